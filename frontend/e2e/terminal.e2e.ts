// Terminals against the real backend: kwok runs exec'd commands on this
// machine in the pod's own working directory. A shell from a pod's
// details, typed into, its output on screen; a hostile printout drawn as
// text; the key s on a row; the restricted user refused before any stream
// opens; a context switch closing every terminal.
import { describe, expect, test } from 'vitest';
import { byId, pickContext, pickNamespace, screenLines, selectRow, shot, typeInTerminal, withApp } from './harness';

describe('terminal', () => {
  const suite = withApp();

  test("a shell from a pod's details: type a command, see its output", async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    await pickNamespace(page, 'shop');
    await selectRow(page, 'pods', 'storefront');
    const action = byId(page, 'details-terminal');
    await expect.poll(() => action.isEnabled(), { timeout: 10_000 }).toBe(true);
    await action.click();
    await page.locator('[data-testid="log-dock"] [data-testid="terminal"][data-terminal-id]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="log-dock-tab"][data-type="terminal"]').count()).toBe(1);
    // The quotes keep the echoed command line from containing the output.
    await typeInTerminal(page, 'echo "hel""lo from $POD_NAME"');
    await expect.poll(async () => (await screenLines(page)).some((l) => /^hello from storefront-/.test(l)), { timeout: 15_000 }).toBe(true);
    const opened = await page.evaluate(() => window.__e2e.calls.filter((c) => c.method.endsWith('OpenTerminal')).length);
    expect(opened, 'the terminal opened once').toBe(1);
    await shot(page, 'terminal-01-echo');
  });

  test('output is drawn as text, never markup', async () => {
    const { page } = suite.app;
    await typeInTerminal(page, `printf '<img src=x onerror="window.__crowsnestXSS(1)"> %s\\n' "do""ne"`);
    await expect.poll(async () => (await screenLines(page)).some((l) => l.startsWith('<img src=x') && l.endsWith('done')), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('[data-testid="log-dock"] img').count()).toBe(0);
    expect(await page.evaluate(() => window.__e2e.xss)).toEqual([]);
  });

  test('the key s opens another terminal on the selected pod; exit shows the end', async () => {
    const { page } = suite.app;
    await page.locator('[data-testid="row"][aria-selected="true"]').first().click();
    await page.keyboard.press('s');
    await expect.poll(() => page.locator('[data-testid="log-dock-tab"][data-type="terminal"]').count(), { timeout: 10_000 }).toBe(2);
    await page.locator('[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"][data-terminal-id]').waitFor({ timeout: 20_000 });
    await typeInTerminal(page, 'exit 0');
    await page.locator('[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"][data-ended="true"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal-state"]').textContent()).toBe('exited with code 0');
    await shot(page, 'terminal-02-exited');
  });

  test("a Deployment's terminal opens in a Ready pod of it", async () => {
    const { page } = suite.app;
    await selectRow(page, 'deployments', 'storefront');
    const action = byId(page, 'details-terminal');
    await expect.poll(() => action.isEnabled(), { timeout: 10_000 }).toBe(true);
    await action.click();
    const shown = '[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"]';
    await page.locator(`${shown}[data-terminal-id]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`${shown} [data-testid="terminal-state"]`).textContent()).toMatch(/^storefront-[a-z0-9]+-[a-z0-9]+ · storefront$/);
    await typeInTerminal(page, 'echo "in ""$POD_NAME"');
    await expect.poll(async () => (await screenLines(page)).some((l) => /^in storefront-/.test(l)), { timeout: 15_000 }).toBe(true);
    await shot(page, 'terminal-03-deployment');
  });

  test('a context switch closes every terminal', async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-viewer');
    await expect.poll(() => page.locator('[data-testid="log-dock-tab"]').count(), { timeout: 10_000 }).toBe(0);
  });

  test('a user who may not create pods/exec is refused with the reason', async () => {
    const { page } = suite.app;
    await pickNamespace(page, 'shop');
    await selectRow(page, 'pods', 'storefront');
    const denied = byId(page, 'details-terminal-denied');
    await denied.waitFor({ timeout: 10_000 });
    expect(await denied.textContent()).toContain('create pods/exec');
    expect(await byId(page, 'details-terminal').isDisabled()).toBe(true);
    await shot(page, 'terminal-04-denied');
  });
});
