// The explorer against the real backend and the seeded local control plane:
// the scenarios of the explorer issue, one after another on one page, as a
// user would go through them. Each state is saved as a screenshot.
import { describe, expect, test } from 'vitest';
import {
  byId,
  columnTitles,
  kubectl,
  objectKeys,
  openKind,
  pickContext,
  pickNamespace,
  settledTable,
  shot,
  tableCount,
  typeInto,
  waitForCount,
  waitForRows,
  withApp,
} from './harness';

/** Pod keys (namespace/name) kubectl sees, optionally by selector. */
function podKeys(context: string, namespace: string | null, selector = ''): string[] {
  return objectKeys(context, 'pods', namespace, selector);
}

const stagingNamespaces = /^staging-(web|data)\//;

describe('explorer', () => {
  const suite = withApp();

  test('demo-admin shows the seeded pods', async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    await openKind(page, 'pods');
    await pickNamespace(page, '');
    const want = podKeys('demo-admin', null);
    expect(want.length).toBeGreaterThan(20);
    await settledTable(page, 'pods');
    await waitForCount(page, 'pods', want.length);
    const keys = await waitForRows(page, (k) => k.length > 10, 'seeded demo pods rendered');
    // The columns are the backend's (Go's kinds registry), not the page's.
    expect(await columnTitles(page)).toEqual(expect.arrayContaining(['Name', 'Namespace', 'Ready', 'Status', 'Restarts', 'Age']));
    expect(keys.every((k) => want.includes(k)), `rows not in the cluster: ${keys.filter((k) => !want.includes(k))}`).toBe(true);
    await shot(page, '01-demo-admin-pods');
  });

  test('a pod created with kubectl appears, and disappears when deleted', async () => {
    const { page } = suite.app;
    const name = `e2e-probe-${Date.now().toString(36)}`;
    const key = `shop/${name}`;
    await typeInto(page, 'filter', name);
    await waitForCount(page, 'pods', 0);
    kubectl(
      ['--context', 'demo-admin', 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'shop', labels: { app: 'e2e-probe' } },
        spec: { containers: [{ name: 'main', image: 'registry.local/e2e-probe:1' }] },
      }),
    );
    await waitForRows(page, (k) => k.includes(key), `${key} appears`);
    expect(await tableCount(page, 'pods')).toBe(1);
    await shot(page, '02-pod-created');

    kubectl(['--context', 'demo-admin', 'delete', 'pod', '-n', 'shop', name, '--grace-period=0', '--force', '--wait=false']);
    await waitForRows(page, (k) => !k.includes(key), `${key} disappears`);
    await waitForCount(page, 'pods', 0);
    await shot(page, '03-pod-deleted');
    await typeInto(page, 'filter', '');
  });

  test('a label selector narrows the table; an invalid one says why', async () => {
    const { page } = suite.app;
    const selector = 'app=storefront,tier!=db';
    const want = podKeys('demo-admin', null, selector);
    expect(want.length).toBeGreaterThan(0);
    await typeInto(page, 'selector', selector);
    await waitForCount(page, 'pods', want.length);
    const keys = await waitForRows(page, (k) => k.length === want.length, 'only the selected pods');
    expect(keys.sort()).toEqual(want);
    await shot(page, '04-selector');

    await typeInto(page, 'selector', 'app in (web');
    const error = byId(page, 'selector-error');
    await error.waitFor();
    expect((await error.textContent())?.trim()).not.toBe('');
    await shot(page, '05-selector-invalid');

    await typeInto(page, 'selector', '');
    await error.waitFor({ state: 'detached' });
    await waitForCount(page, 'pods', podKeys('demo-admin', null).length);
  });

  test('details of a pod show its YAML', async () => {
    const { page } = suite.app;
    const [key] = podKeys('demo-admin', 'shop', 'app=storefront');
    expect(key).toBeDefined();
    await typeInto(page, 'filter', key!.split('/')[1]!);
    await waitForRows(page, (k) => k.length === 1 && k[0] === key, `only ${key}`);
    await page.locator(`[data-testid="row"][data-key="${key}"]`).click();
    const details = page.locator(`[data-testid="details"][data-key="${key}"]`);
    await details.waitFor();
    await details.locator('.details-kind', { hasText: 'Pod' }).waitFor();
    // The panel follows the pod (a watch, not a timer): a new label shows while it stays open.
    const [namespace, name] = key!.split('/') as [string, string];
    const mark = `e2e-${Date.now().toString(36)}`;
    kubectl(['--context', 'demo-admin', 'label', 'pod', '-n', namespace, name, `e2e-follow=${mark}`, '--overwrite']);
    await details.locator('.chip', { hasText: mark }).waitFor({ timeout: 20_000 });
    kubectl(['--context', 'demo-admin', 'label', 'pod', '-n', namespace, name, 'e2e-follow-']);
    await details.locator('.chip', { hasText: mark }).waitFor({ state: 'detached', timeout: 20_000 });
    await byId(page, 'details-tab-yaml').click();
    const yaml = byId(page, 'yaml').locator('.cm-content');
    await yaml.waitFor();
    await page.waitForFunction(
      (name) => {
        const text = document.querySelector('[data-testid="yaml"] .cm-content')?.textContent ?? '';
        return text.includes('kind: Pod') && text.includes(name);
      },
      key!.split('/')[1]!,
    );
    await shot(page, '06-details-yaml');
    await byId(page, 'details-close').click();
    await details.waitFor({ state: 'detached' });
    await typeInto(page, 'filter', '');
  });

  test('staging-admin shows only staging objects', async () => {
    const { page } = suite.app;
    await pickContext(page, 'staging-admin');
    await openKind(page, 'pods');
    await pickNamespace(page, '');
    const want = podKeys('staging-admin', null);
    expect(want.length).toBeGreaterThan(0);
    // Never a demo row, not even for a moment after the switch.
    await waitForRows(page, (k) => k.length > 0 && k.every((key) => stagingNamespaces.test(key)), 'staging rows only');
    await waitForCount(page, 'pods', want.length);
    const keys = await waitForRows(page, (k) => k.length === want.length, 'every staging pod');
    expect(keys.sort()).toEqual(want);
    await shot(page, '07-staging-admin-pods');
  });

  test('demo-viewer sees its namespace', async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-viewer');
    await openKind(page, 'pods');
    await pickNamespace(page, 'shop');
    const want = podKeys('demo-viewer', 'shop');
    expect(want.length).toBeGreaterThan(0);
    await waitForCount(page, 'pods', want.length);
    const keys = await waitForRows(page, (k) => k.length > 0 && k.every((key) => key.startsWith('shop/')), 'shop rows');
    expect(keys.every((k) => want.includes(k))).toBe(true);
    await shot(page, '08-demo-viewer-shop');
  });

  test('offline shows the error state with a retry', async () => {
    const { page } = suite.app;
    await pickContext(page, 'offline');
    const error = byId(page, 'session-error');
    await error.waitFor({ timeout: 30_000 });
    expect((await error.textContent())?.trim().length).toBeGreaterThan(0);
    await byId(page, 'retry').waitFor();
    expect(await page.locator('[data-testid="row"]').count()).toBe(0);
    await shot(page, '09-offline-error');
  });

  test('an expired login names the plugin and says what it said', async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-sso');
    const error = byId(page, 'session-error');
    await error.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="session-error"]')?.textContent?.includes('the plugin said'), undefined, {
      timeout: 30_000,
    });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('acme-sso failed with exit code 1');
    expect(text).toContain("the plugin said: error: your single sign-on session for demo has expired; run 'acme-sso login' in a terminal");
    expect(text).not.toContain('crowsnest-e2e');
    expect(await page.locator('[data-testid="row"]').count()).toBe(0);
    await shot(page, '09b-plugin-error');
  });

  test('the page raised no errors', () => {
    expect(suite.app.pageErrors).toEqual([]);
    expect(suite.app.dialogs).toEqual([]);
  });
});
