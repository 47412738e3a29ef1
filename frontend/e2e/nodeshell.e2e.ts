// Node shells against the real backend. Off until enabled for the context
// in Settings; the dialog shows the exact pod before it exists; creating it
// opens a dock tab named node/<name>; closing the tab deletes the pod;
// leftovers of an earlier session are offered for deletion at the next
// connect. kwok runs an exec'd command on this machine, where nsenter
// cannot enter PID 1's namespaces, so hack/e2e starts the app with
// CROWSNEST_DEV_NODE_SHELL: the shell is a plain sh (the integration tests
// show nsenter's failure on kwok).
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { byId, kubectl, openKind, pickContext, screenLines, shot, typeInTerminal, typeInto, waitForRows, withApp } from './harness';

const NODE = 'demo-worker-1';
const LABEL = 'crowsnest.dev/node-shell';

/** The node shell pods kubectl sees in demo-admin: namespace/name phase privileged hostPID. */
function shellPods(): string[] {
  const out = kubectl([
    '--context', 'demo-admin', 'get', 'pods', '-A', '-l', LABEL, '-o',
    'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {.status.phase} {.spec.containers[0].securityContext.privileged} {.spec.hostPID} {.metadata.labels.crowsnest\\.dev/node-shell}{"\\n"}{end}',
  ]);
  return out.split('\n').filter(Boolean);
}

/** Opens the details of a node. */
async function openNode(page: Page, name: string): Promise<void> {
  await openKind(page, 'nodes');
  await typeInto(page, 'filter', name);
  await waitForRows(page, (k) => k.length === 1 && k[0] === name, `only node ${name} listed`);
  const details = page.locator(`[data-testid="details"][data-key="${name}"]`);
  await expect
    .poll(
      async () => {
        if ((await details.count()) === 0) await page.locator(`[data-testid="row"][data-key="${name}"]`).click();
        return details.count();
      },
      { timeout: 20_000 },
    )
    .toBe(1);
}

/** Ticks or unticks the current context's node shell box in Settings and saves. */
async function setNodeShells(page: Page, on: boolean): Promise<void> {
  if ((await byId(page, 'settings').count()) === 0) await byId(page, 'settings-open').click();
  const box = byId(page, 'settings-node-shell');
  await expect.poll(() => box.isEnabled(), { timeout: 10_000 }).toBe(true);
  if ((await box.isChecked()) !== on) await box.click();
  await byId(page, 'settings-save').click();
  await byId(page, 'settings-saved').waitFor();
}

describe('node shell', () => {
  const suite = withApp();

  test("off: a node's shell is disabled with the reason", async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    // Off by default; a run that stopped half-way may have left it on in
    // this user's settings.
    await byId(page, 'settings-open').click();
    const box = byId(page, 'settings-node-shell');
    await expect.poll(() => box.isEnabled(), { timeout: 10_000 }).toBe(true);
    if (await box.isChecked()) await setNodeShells(page, false);
    await page.keyboard.press('Escape');
    await openNode(page, NODE);
    const denied = byId(page, 'details-node-shell-denied');
    await denied.waitFor({ timeout: 10_000 });
    expect(await denied.textContent()).toContain('Enable node shells for context demo-admin in Settings');
    expect(await byId(page, 'details-node-shell').isDisabled()).toBe(true);
    await shot(page, 'nodeshell-01-off');
  });

  test('enabled in Settings, the dialog shows the exact pod before anything exists', async () => {
    const { page } = suite.app;
    await byId(page, 'details-node-shell-settings').click();
    expect(await byId(page, 'settings').textContent()).toContain('Allow node shells in context demo-admin');
    await setNodeShells(page, true);
    await shot(page, 'nodeshell-02-settings');
    await page.keyboard.press('Escape');
    const action = byId(page, 'details-node-shell');
    await expect.poll(() => action.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await byId(page, 'details-node-shell-denied').count()).toBe(0);

    await action.click();
    await byId(page, 'node-shell-plan').waitFor({ timeout: 15_000 });
    const fact = (id: string) => byId(page, 'node-shell-' + id).textContent();
    expect(await fact('context')).toBe('demo-admin');
    expect(await fact('node')).toBe(NODE);
    expect(await fact('namespace')).toBe('kube-system');
    expect(await fact('pod')).toMatch(/^crowsnest-node-shell-demo-worker-1-[a-z0-9]{5}$/);
    expect(await fact('image')).toBe('busybox:1.36');
    const privileges = (await fact('privileges')) ?? '';
    for (const p of ['privileged container', 'host PID namespace', 'host network', 'host IPC namespace']) expect(privileges).toContain(p);
    expect(await fact('tolerations')).toBe('every taint');
    expect(await fact('command')).toBe('sleep 86400');
    expect(await fact('labels')).toContain(`${LABEL}: ${NODE}`);
    const yaml = (await byId(page, 'node-shell-yaml').textContent()) ?? '';
    expect(yaml).toContain(`nodeName: ${NODE}`);
    expect(yaml).toContain('privileged: true');
    expect(await byId(page, 'node-shell-warning').textContent()).toContain(`privileged pod on node ${NODE} in context demo-admin`);
    expect(shellPods(), 'the dry run created nothing').toEqual([]);
    await shot(page, 'nodeshell-03-dialog');
  });

  test('create: the pod runs, the dock tab says node/<name>, the shell answers', async () => {
    const { page } = suite.app;
    const pod = await byId(page, 'node-shell-pod').textContent();
    await byId(page, 'node-shell-create').click();
    expect(await byId(page, 'node-shell-dialog').count()).toBe(0);
    const tab = page.locator('[data-testid="log-dock-tab"][data-type="terminal"]');
    await tab.waitFor({ timeout: 10_000 });
    expect(await tab.textContent()).toContain(`node/${NODE}`);
    const shown = '[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"]';
    await page.locator(`${shown}[data-terminal-id]`).waitFor({ timeout: 60_000 });
    expect(await page.locator(`${shown} [data-testid="terminal-state"]`).textContent()).toBe(`node/${NODE}`);
    expect(await page.locator(`${shown} [data-testid="terminal-node-shell"]`).textContent()).toBe(`Pod kube-system/${pod}: deleted when this tab closes`);
    expect(shellPods()).toEqual([`kube-system/${pod} Running true true ${NODE}`]);
    await expect.poll(async () => (await screenLines(page)).some((l) => l.startsWith('node shell in pod')), { timeout: 15_000 }).toBe(true);
    // The quotes keep the echoed command line from containing the output.
    await typeInTerminal(page, 'echo "he""llo from the node shell"');
    await expect.poll(async () => (await screenLines(page)).some((l) => l === 'hello from the node shell'), { timeout: 15_000 }).toBe(true);
    const opened = await page.evaluate(() => window.__e2e.calls.filter((c) => c.method.endsWith('OpenNodeShell')).length);
    expect(opened, 'the pod was created once').toBe(1);
    await shot(page, 'nodeshell-04-shell');
  });

  test('closing the tab deletes the pod', async () => {
    const { page } = suite.app;
    await page.locator('[data-testid="log-dock-tab"][data-type="terminal"] [data-testid="log-dock-close"]').click();
    expect(await page.locator('[data-testid="log-dock-tab"]').count()).toBe(0);
    await expect.poll(() => shellPods(), { timeout: 30_000 }).toEqual([]);
    await shot(page, 'nodeshell-05-closed');
  });

  test('leftovers of an earlier session are offered at the next connect and deleted on request', async () => {
    const { page } = suite.app;
    const name = 'crowsnest-node-shell-demo-worker-2-crash';
    kubectl(['--context', 'demo-admin', 'apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name, namespace: 'kube-system', labels: { 'app.kubernetes.io/managed-by': 'crowsnest', [LABEL]: 'demo-worker-2' },
        annotations: { 'crowsnest.dev/node': 'demo-worker-2', 'crowsnest.dev/opened-by': 'crowsnest-admin', 'crowsnest.dev/session': 'crowsnest on a laptop that crashed, context demo-admin' },
      },
      spec: { nodeName: 'demo-worker-2', hostPID: true, tolerations: [{ operator: 'Exists' }], containers: [{ name: 'shell', image: 'busybox:1.36', command: ['sleep', '86400'], securityContext: { privileged: true } }] },
    }));
    expect(shellPods().map((l) => l.split(' ')[0])).toEqual([`kube-system/${name}`]);
    // The next connect: away and back.
    await pickContext(page, 'staging-admin');
    await pickContext(page, 'demo-admin');
    const banner = byId(page, 'node-shell-leftovers');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('A node shell pod was left running in demo-admin');
    await byId(page, 'node-shell-leftovers-review').click();
    const row = page.locator(`[data-testid="node-shell-leftover"][data-key="kube-system/${name}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('demo-worker-2');
    expect(await row.textContent()).toContain('crowsnest-admin');
    await shot(page, 'nodeshell-06-leftovers');
    await byId(page, 'node-shell-leftovers-delete').click();
    expect(shellPods().length, 'nothing deleted before the confirmation').toBe(1);
    await byId(page, 'node-shell-leftovers-confirm').click();
    await page.locator(`[data-testid="node-shell-leftover"][data-key="kube-system/${name}"][data-state="deleted"]`).waitFor({ timeout: 15_000 });
    await expect.poll(() => shellPods(), { timeout: 30_000 }).toEqual([]);
    expect(await byId(page, 'node-shell-leftovers-done').textContent()).toBe('Every pod listed was deleted.');
    await shot(page, 'nodeshell-07-leftovers-deleted');
    await page.keyboard.press('Escape');
    expect(await byId(page, 'node-shell-leftovers-dialog').count()).toBe(0);
    expect(await byId(page, 'node-shell-leftovers').count(), 'the banner goes with the pods').toBe(0);
  });

  test('turned off again, the action is disabled', async () => {
    const { page } = suite.app;
    await openNode(page, NODE);
    await expect.poll(() => byId(page, 'details-node-shell').isEnabled(), { timeout: 10_000 }).toBe(true);
    await setNodeShells(page, false);
    await page.keyboard.press('Escape');
    await byId(page, 'details-node-shell-denied').waitFor({ timeout: 10_000 });
    expect(await byId(page, 'details-node-shell').isDisabled()).toBe(true);
    expect(suite.app.pageErrors).toEqual([]);
  });
});
