// Logs against the real backend: kwok serves the logs hack/podsim writes,
// some of them growing live (storefront's pods). A pod's logs from its
// details, a new line arriving while following, search highlighting a match,
// a workload's merged log tagged with its pods, kept open in the dock.
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { byId, kubectl, openKind, pickContext, pickNamespace, shot, typeInto, waitForRows, withApp } from './harness';

/**
 * appendLog writes lines to the log file podsim keeps for a container of a
 * pod of the demo cluster (CRI format; kwok serves it), as the container
 * itself would.
 */
function appendLog(pod: string, container: string, lines: string[]) {
  const dir = process.env.CROWSNEST_E2E_CLUSTER_DIR;
  if (!dir) throw new Error('CROWSNEST_E2E_CLUSTER_DIR is not set: run through hack/e2e');
  const uid = kubectl(['--context', 'demo-admin', '-n', 'shop', 'get', 'pod', pod, '-o', 'jsonpath={.metadata.uid}']).trim();
  const cdir = join(dir, 'demo', 'podsim', 'pods', `shop_${pod}_${uid}`, container);
  if (!existsSync(cdir)) throw new Error(`no podsim log directory ${cdir}`);
  const runs = readdirSync(cdir).filter((f) => /^\d+\.log$/.test(f)).map((f) => Number.parseInt(f, 10));
  const file = join(cdir, `${Math.max(...runs)}.log`);
  appendFileSync(file, lines.map((l) => `${new Date().toISOString()} stdout F ${l}\n`).join(''));
}

// Script payloads a hostile container could print: with ANSI colours, an
// OSC 8 hyperlink and inside JSON. Each would call the canary if it ran.
const ESC = '\u001b';
const HOSTILE = [
  `${ESC}[31;1m<img src=x onerror="window.__crowsnestXSS('log-img')">${ESC}[0m after`,
  `</script><script>window.__crowsnestXSS('log-script')</script>`,
  `${ESC}]8;;javascript:window.__crowsnestXSS('log-osc')${ESC}\\click me${ESC}]8;;${ESC}\\`,
  `{"msg":"<svg onload=\\"window.go.main.App.SwitchContext('xss-log')\\"></svg>","level":"error"}`,
  `${ESC}[38;2;255;0;0m<iframe src="javascript:window.__crowsnestXSS('log-iframe')"></iframe>${ESC}[0m`,
];

/** The seqs of the log lines drawn, in order. */
const seqs = (page: Page) => page.locator('[data-testid="logs"] [data-testid="log-line"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));

async function openDetailsLogs(page: Page, kind: string, name: string) {
  await openKind(page, kind);
  await typeInto(page, 'filter', name);
  const keys = await waitForRows(page, (k) => k.some((x) => x.startsWith(`shop/${name}`)), `${kind} ${name} listed`);
  await page.locator(`[data-testid="row"][data-key="${keys.find((x) => x.startsWith(`shop/${name}`))}"]`).click();
  await byId(page, 'details-tab-logs').click();
  await page.locator('[data-testid="details"] [data-testid="log-line"]').first().waitFor({ timeout: 20_000 });
}

describe('logs', () => {
  const suite = withApp();

  test("a pod's logs from its details: lines, then a new line arriving while following", async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    await pickNamespace(page, 'shop');
    await openDetailsLogs(page, 'pods', 'storefront');
    const before = Math.max(...(await seqs(page)));
    expect(before).toBeGreaterThan(0);
    // storefront's pods append two lines a second: the newest arrives on screen.
    await expect.poll(async () => Math.max(...(await seqs(page))), { timeout: 15_000 }).toBeGreaterThan(before);
    expect(await byId(page, 'logs-jump').count()).toBe(0); // still following
    await shot(page, 'logs-01-pod-following');
  });

  test('search highlights a match and counts them', async () => {
    const { page } = suite.app;
    // A word of the newest line that has one (some lines are only a path and numbers).
    const texts = await page.locator('[data-testid="details"] .log-line .log-text').allTextContents();
    const word = texts
      .reverse()
      .map((t) => t.match(/[A-Za-z]{4,}/)?.[0])
      .find((w) => w !== undefined);
    expect(word, `a word in ${JSON.stringify(texts.slice(0, 5))}`).toBeTruthy();
    await page.locator('[data-testid="details"] [data-testid="logs-scroller"]').click();
    await page.keyboard.press('Control+f');
    await byId(page, 'logs-search').fill(word!);
    await expect.poll(() => byId(page, 'logs-match-count').textContent(), { timeout: 10_000 }).toMatch(/[1-9][\d,]*\+? match/);
    await byId(page, 'logs-search').press('Enter');
    await page.locator('.log-line.current mark.log-match').first().waitFor();
    expect((await page.locator('mark.log-match').first().textContent())?.toLowerCase()).toBe(word!.toLowerCase());
    await shot(page, 'logs-02-search');
    await byId(page, 'logs-search').press('Escape');
    expect(await byId(page, 'logs-search').count()).toBe(0);
  });

  test("a Deployment's logs merge its pods' lines, tagged, and stay open in the dock", async () => {
    const { page } = suite.app;
    await openDetailsLogs(page, 'deployments', 'storefront');
    await expect
      .poll(async () => new Set(await page.locator('[data-testid="details"] [data-testid="log-tag"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pod')))).size, {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(2);
    await shot(page, 'logs-03-workload');
    await byId(page, 'logs-to-dock').click();
    await page.locator('[data-testid="log-dock"] [data-testid="log-line"]').first().waitFor({ timeout: 20_000 });
    // Browsing on keeps the dock and its log live.
    await openKind(page, 'services');
    expect(await byId(page, 'details').count()).toBe(0);
    await page.locator('[data-testid="log-dock"] [data-testid="log-tag"]').first().waitFor();
    await page.locator('[data-testid="log-dock"] [data-testid="logs-timestamps"]').click();
    await page.locator('[data-testid="log-dock"] .log-time').first().waitFor();
    await shot(page, 'logs-04-dock');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'logs-05-dock-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await byId(page, 'log-dock-close').click();
    expect(await byId(page, 'log-dock').count()).toBe(0);
  });

  test('hostile log output stays text: ANSI, hyperlinks, JSON, search', async () => {
    const { page } = suite.app;
    await openKind(page, 'pods');
    await openDetailsLogs(page, 'pods', 'storefront');
    const pod = (await page.locator('[data-testid="details"]').getAttribute('data-key'))!.split('/')[1]!;
    appendLog(pod, 'storefront', HOSTILE);
    const logs = page.locator('[data-testid="details"] [data-testid="logs"]');
    await expect.poll(() => logs.textContent(), { timeout: 15_000 }).toContain("window.__crowsnestXSS('log-iframe')");
    await byId(page, 'logs-json').click();
    await page.locator('[data-testid="details"] [data-testid="logs-scroller"]').click();
    await page.keyboard.press('Control+f');
    await byId(page, 'logs-search').fill('<script>');
    await page.locator('mark.log-match').first().waitFor();
    const text = (await logs.textContent()) ?? '';
    expect(text).toContain(`<img src=x onerror="window.__crowsnestXSS('log-img')"> after`);
    expect(text).toContain('</script><script>');
    await shot(page, 'logs-06-hostile');
    const probe = await page.evaluate(() => window.__e2e);
    expect(probe.xss, 'payloads that ran').toEqual([]);
    expect(probe.violations, 'CSP violations: something was parsed as markup').toEqual([]);
    expect(probe.calls.filter((c) => JSON.stringify(c.args).includes('xss-log')), 'bound calls from log output').toEqual([]);
    const markup = await logs.evaluate((el) => el.querySelectorAll('img, script, svg, iframe, a, object, embed').length);
    expect(markup).toBe(0);
    await byId(page, 'logs-search').press('Escape');
  });
});
