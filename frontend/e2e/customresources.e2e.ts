// Custom resources against the real backend: the demo cluster's CRDs
// (databases.data.crowsnest.io and friends, seeded by hack/cluster seed)
// appear in the navigation under their API group, their tables show the
// CRDs' printer columns with the values kubectl prints, and their details
// and YAML open. Each state is saved as a screenshot.
import { afterAll, describe, expect, test } from 'vitest';
import {
  byId,
  columnTitles,
  kubectl,
  navGroups,
  objectKeys,
  openGroupedKind,
  pickNamespace,
  rowCells,
  settledTable,
  shot,
  typeInto,
  waitForCount,
  waitForRows,
  withApp,
} from './harness';

const DATABASES = 'databases.data.crowsnest.io';

/** What kubectl prints for one object, by column title (its printer columns; "<none>" as empty). */
function kubectlColumns(namespace: string, name: string): Map<string, string> {
  const [head = '', line = ''] = kubectl(['--context', 'demo-admin', 'get', DATABASES, '-n', namespace, name]).split('\n');
  const titles = head.trim().split(/\s{2,}/);
  const values = line.trim().split(/\s{2,}/);
  return new Map(titles.map((t, i) => [t.toLowerCase(), values[i] === '<none>' ? '' : (values[i] ?? '')]));
}

describe('custom resources', () => {
  const suite = withApp('demo-admin');

  afterAll(() => {
    try {
      kubectl(['--context', 'demo-admin', 'label', DATABASES, '-n', 'shop', 'orders-db', 'e2e-follow-']);
    } catch {
      // Never labelled: the test failed before.
    }
  });

  test('the navigation lists the kinds by group, custom resources by API group', async () => {
    const { page } = suite.app;
    await page.locator('[data-nav-group="Custom resources"] [data-testid="nav-apigroup-data.crowsnest.io"]').waitFor({ timeout: 30_000 });
    const groups = await navGroups(page);
    const want = ['Workloads', 'Network', 'Config', 'Storage', 'Access control', 'Cluster', 'Custom resources'];
    expect(groups.filter((g) => want.includes(g))).toEqual(want);
    expect(await page.locator('[data-nav-group="Access control"] [data-testid^="nav-"]').count()).toBeGreaterThan(0);
    await shot(page, '15-nav-groups');
  });

  test('Databases show the CRD\'s printer columns, with the values kubectl prints', async () => {
    const { page } = suite.app;
    await openGroupedKind(page, 'Custom resources', 'data.crowsnest.io', DATABASES);
    await pickNamespace(page, '');
    const want = objectKeys('demo-admin', DATABASES, null);
    expect(want).toEqual(expect.arrayContaining(['monitoring/metrics-db', 'payments/ledger-db', 'shop/catalog-db', 'shop/orders-db']));
    await settledTable(page, DATABASES);
    await waitForCount(page, DATABASES, want.length);
    const keys = await waitForRows(page, (k) => k.length === want.length, 'every database');
    expect(keys.sort()).toEqual(want);

    const titles = await columnTitles(page);
    const printer = ['Name', 'Namespace', 'Engine', 'Version', 'Replicas', 'Ready', 'Storage', 'Age'];
    expect(titles.filter((t) => printer.includes(t))).toEqual(printer);
    const cells = await rowCells(page, 'shop/orders-db');
    const printed = kubectlColumns('shop', 'orders-db');
    for (const t of ['Engine', 'Version', 'Replicas', 'Ready', 'Storage']) {
      expect(cells[titles.indexOf(t)], t).toBe(printed.get(t.toLowerCase()));
    }
    expect(cells[titles.indexOf('Name')]).toBe('orders-db');
    expect(cells[titles.indexOf('Age')]).toMatch(/^\d+[smhdy]/);
    await shot(page, '16-custom-databases');
  });

  test('details of a Database show its conditions, follow it, and its YAML', async () => {
    const { page } = suite.app;
    await typeInto(page, 'filter', 'orders-db');
    await waitForRows(page, (k) => k.length === 1 && k[0] === 'shop/orders-db', 'only orders-db');
    await page.locator('[data-testid="row"][data-key="shop/orders-db"]').click();
    const details = page.locator('[data-testid="details"][data-key="shop/orders-db"]');
    await details.waitFor();
    await details.locator('.details-kind', { hasText: 'Database' }).waitFor();
    await details.locator('.conditions .condition').first().waitFor();
    await details.locator('[data-testid="details-facts"] dt', { hasText: 'Engine' }).waitFor();
    await shot(page, '17-custom-database-details');

    // The panel follows the object: a new label shows without reopening it.
    const mark = `e2e-${Date.now().toString(36)}`;
    kubectl(['--context', 'demo-admin', 'label', DATABASES, '-n', 'shop', 'orders-db', `e2e-follow=${mark}`, '--overwrite']);
    await details.locator('.chip', { hasText: mark }).waitFor({ timeout: 20_000 });

    await byId(page, 'details-tab-yaml').click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="yaml"] .cm-content')?.textContent ?? '';
      return text.includes('kind: Database') && text.includes('orders-db');
    });
    await shot(page, '18-custom-database-yaml');
    await byId(page, 'details-close').click();
    await details.waitFor({ state: 'detached' });
    await typeInto(page, 'filter', '');
  });

  test('the page raised no errors', () => {
    expect(suite.app.pageErrors).toEqual([]);
    expect(suite.app.dialogs).toEqual([]);
  });
});
