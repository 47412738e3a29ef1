// Helm releases against the real backend: the demo cluster's Helm-style
// release Secrets (hack/seed: shop/storefront with three revisions,
// payments/ledger whose upgrade failed) are listed one row per release;
// a release's details show its history and its values masked, one of them
// revealed on request, and its manifest; Helm's Secrets are hidden from the
// Secrets table unless asked for. Each state is saved as a screenshot.
import { describe, expect, test } from 'vitest';
import { byId, columnTitles, openKind, pickNamespace, rowCells, settledTable, shot, typeInto, waitForRows, withApp } from './harness';

describe('Helm releases', () => {
  const suite = withApp('demo-admin');

  test('one row per release: its latest revision', async () => {
    const { page } = suite.app;
    await openKind(page, 'helmreleases');
    await pickNamespace(page, '');
    await settledTable(page, 'helmreleases');
    await waitForRows(page, (k) => k.includes('shop/storefront') && k.includes('payments/ledger'), 'the demo releases');
    const titles = await columnTitles(page);
    expect(titles).toEqual(expect.arrayContaining(['Name', 'Namespace', 'Revision', 'Status', 'Chart', 'App version', 'Updated']));
    const storefront = await rowCells(page, 'shop/storefront');
    expect(storefront[titles.indexOf('Revision')]).toBe('3');
    expect(storefront[titles.indexOf('Status')]).toBe('deployed');
    expect(storefront[titles.indexOf('Chart')]).toBe('storefront-1.0.0');
    const ledger = await rowCells(page, 'payments/ledger');
    expect(ledger[titles.indexOf('Revision')]).toBe('2');
    expect(ledger[titles.indexOf('Status')]).toBe('failed');
    await shot(page, '60-helm-releases');
  });

  test('a release shows its history and its values masked, one revealed on request', async () => {
    const { page } = suite.app;
    await page.locator('[data-testid="row"][data-key="shop/storefront"]').click();
    const details = page.locator('[data-testid="details"][data-key="shop/storefront"]');
    await details.waitFor();
    await details.locator('[data-testid="helm-notes"]').waitFor();
    await details.locator('[data-testid="helm-resource"][data-kind="deployments"]').waitFor();
    await shot(page, '61-helm-release-overview');

    await byId(page, 'details-tab-history').click();
    const revisions = details.locator('[data-testid="helm-revision"]');
    await expect.poll(() => revisions.count()).toBe(3);
    expect(await revisions.evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-revision')} ${r.getAttribute('data-status')}`))).toEqual([
      '3 deployed',
      '2 superseded',
      '1 superseded',
    ]);
    await shot(page, '62-helm-release-history');

    await byId(page, 'details-tab-values').click();
    const values = details.locator('[data-testid="helm-value"]');
    await values.first().waitFor();
    const paths = await values.evaluateAll((vs) => vs.map((v) => v.getAttribute('data-path')));
    expect(paths).toEqual(['ingress.enabled', 'ingress.host', 'redis.password', 'replicaCount']);
    // Every value masked: no value is on the page until revealed.
    expect(await details.locator('[data-testid="helm-value-masked"]').count()).toBe(4);
    expect(await details.locator('[data-testid="helm-value-text"]').count()).toBe(0);
    const replicas = details.locator('[data-testid="helm-value"][data-path="replicaCount"]');
    await replicas.locator('[data-testid="helm-value-reveal"]').click();
    await expect.poll(() => replicas.locator('[data-testid="helm-value-text"]').textContent()).toBe('3');
    expect(await details.locator('[data-testid="helm-value"][data-path="redis.password"] [data-testid="helm-value-masked"]').count()).toBe(1);
    await shot(page, '63-helm-release-values');

    await byId(page, 'helm-values-computed').click();
    await details.locator('[data-testid="helm-value"][data-path="image.repository"]').waitFor();
    await shot(page, '64-helm-release-computed-values');

    await byId(page, 'details-tab-manifest').click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="helm-manifest"] .cm-content')?.textContent ?? '';
      return text.includes('kind: Deployment') && text.includes('storefront');
    });
    await shot(page, '65-helm-release-manifest');
    await byId(page, 'details-close').click();
    await details.waitFor({ state: 'detached' });
  });

  test("Helm's release Secrets are hidden from the Secrets table unless asked for", async () => {
    const { page } = suite.app;
    await openKind(page, 'secrets');
    await pickNamespace(page, 'shop');
    await settledTable(page, 'secrets');
    await typeInto(page, 'filter', 'sh.helm');
    const empty = page.locator('[data-testid="resource-table"][data-kind="secrets"][data-state="empty"]');
    await empty.waitFor(); // the filter matches no Secret but Helm's, and those are hidden
    await byId(page, 'show-hidden').check();
    const keys = await waitForRows(page, (k) => k.length === 3, 'the three storefront revisions');
    expect(keys.sort()).toEqual(['shop/sh.helm.release.v1.storefront.v1', 'shop/sh.helm.release.v1.storefront.v2', 'shop/sh.helm.release.v1.storefront.v3']);
    await shot(page, '66-secrets-with-helm');
    await byId(page, 'show-hidden').uncheck();
    await empty.waitFor();
    await typeInto(page, 'filter', '');
  });

  test('the page raised no errors', () => {
    expect(suite.app.pageErrors).toEqual([]);
    expect(suite.app.dialogs).toEqual([]);
  });
});
