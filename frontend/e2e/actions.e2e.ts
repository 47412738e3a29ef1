// Actions against the real backend and the seeded local control plane: a
// Deployment scaled through its confirmation, its pods appearing; a node
// cordoned from its details; two ConfigMaps in two namespaces selected
// together and deleted through one confirmation that names the context and
// asks for the count.
// Each state is saved as a screenshot.
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { applyDeployment, byId, columnTitles, kubectl, openKind, pickContext, pickNamespace, rowCells, shot, typeInto, waitForRows, withApp } from './harness';

/** cell is the text of a row's cell under the column titled title. */
async function cell(page: Page, key: string, title: string): Promise<string | undefined> {
  const i = (await columnTitles(page)).indexOf(title);
  return (await rowCells(page, key))[i];
}

describe('actions', () => {
  const suite = withApp();

  test('a Deployment selected in its table is scaled 1 → 3 through the dialog; the table and the pods follow', async () => {
    const { page } = suite.app;
    const name = `e2e-scale-${Date.now().toString(36)}`;
    const key = `shop/${name}`;
    applyDeployment(name, 'registry.local/e2e:1');
    await pickContext(page, 'demo-admin');
    await openKind(page, 'deployments');
    await pickNamespace(page, 'shop');
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.length === 1 && k[0] === key, `${key} listed alone`);
    await expect.poll(() => cell(page, key, 'Ready'), { timeout: 30_000 }).toBe('1/1');
    await page.locator(`[data-testid="row"][data-key="${key}"]`).click();

    const scale = page.locator('[data-testid="table-actions"] [data-testid="action-scale"]');
    await expect.poll(() => scale.isEnabled(), { timeout: 20_000 }).toBe(true);
    await scale.click();
    await expect.poll(() => byId(page, 'confirm-context').textContent()).toBe('demo-admin');
    expect(await byId(page, 'confirm-namespace').textContent()).toBe('shop');
    expect(await byId(page, 'confirm-names').textContent()).toBe(name);
    const replicas = byId(page, 'action-replicas');
    await expect.poll(() => replicas.inputValue(), { timeout: 20_000 }).toBe('1');
    await replicas.fill('3');
    await expect.poll(() => byId(page, 'action-impact').textContent(), { timeout: 20_000 }).toContain(`${name}: replicas 1 → 3`);
    await expect.poll(() => byId(page, 'confirm-ok').isEnabled()).toBe(true);
    await shot(page, 'actions-01-scale-confirm');
    await byId(page, 'confirm-ok').click();
    await byId(page, 'confirm').waitFor({ state: 'detached' });

    // The Ready column follows the Deployment to 3 of 3.
    await expect.poll(() => cell(page, key, 'Ready'), { timeout: 60_000 }).toBe('3/3');
    await shot(page, 'actions-02-scaled');
    expect(kubectl(['--context', 'demo-admin', 'get', 'deployment', '-n', 'shop', name, '-o', 'jsonpath={.spec.replicas}'])).toBe('3');

    // Its pods appear in the pods table.
    await openKind(page, 'pods');
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.length === 3 && k.every((x) => x.startsWith(key)), `three pods of ${name}`);
    await shot(page, 'actions-03-pods');
    await typeInto(page, 'filter', '');
    kubectl(['--context', 'demo-admin', 'delete', 'deployment', '-n', 'shop', name, '--wait=false']);
  });

  test('a node is cordoned from its details, and uncordoned', async () => {
    const { page } = suite.app;
    const node = kubectl(['--context', 'demo-admin', 'get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}']).trim();
    expect(node).not.toBe('');
    await openKind(page, 'nodes');
    await typeInto(page, 'filter', node);
    await waitForRows(page, (k) => k.includes(node), `node ${node} listed`);
    await page.locator(`[data-testid="row"][data-key="${node}"]`).click();
    await page.locator(`[data-testid="details"][data-key="${node}"]`).waitFor();

    for (const [action, status] of [
      ['cordon', 'Ready,SchedulingDisabled'],
      ['uncordon', 'Ready'],
    ] as const) {
      const button = page.locator(`[data-testid="details-actions"] [data-testid="action-${action}"]`);
      await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
      await button.click();
      await expect.poll(() => byId(page, 'confirm-ok').isEnabled(), { timeout: 20_000 }).toBe(true);
      expect(await byId(page, 'confirm-context').textContent()).toBe('demo-admin');
      expect(await byId(page, 'action-impact').textContent()).toContain(node);
      if (action === 'cordon') await shot(page, 'actions-04-cordon-confirm');
      await byId(page, 'confirm-ok').click();
      await byId(page, 'confirm').waitFor({ state: 'detached' });
      await expect.poll(() => cell(page, node, 'Status'), { timeout: 30_000 }).toBe(status);
      if (action === 'cordon') await shot(page, 'actions-05-cordoned');
    }
    expect(kubectl(['--context', 'demo-admin', 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'])).toBe('');

    // A drain's confirmation lists the node's pods as the drain would treat them; cancelled, nothing changes.
    await page.locator('[data-testid="details-actions"] [data-testid="action-drain"]').click();
    await byId(page, 'drain-pods').waitFor({ timeout: 20_000 });
    expect(await byId(page, 'action-impact').textContent()).toContain('Cordons the node, then evicts');
    const pods = kubectl(['--context', 'demo-admin', 'get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'name']).split('\n').filter(Boolean);
    expect(await page.locator('[data-testid="drain-pod"]').count()).toBe(pods.length);
    await shot(page, 'actions-06-drain-plan');
    await byId(page, 'confirm-cancel').click();
    await byId(page, 'confirm').waitFor({ state: 'detached' });
    expect(kubectl(['--context', 'demo-admin', 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}'])).toBe('');
    await typeInto(page, 'filter', '');
  });

  test('two ConfigMaps selected together in two namespaces are deleted through one confirmation naming the context and asking for the count', async () => {
    const { page } = suite.app;
    const stem = `e2e-del-${Date.now().toString(36)}`;
    const objects = [
      { namespace: 'shop', name: `${stem}-a` },
      { namespace: 'payments', name: `${stem}-b` },
    ];
    for (const o of objects) kubectl(['--context', 'demo-admin', 'create', 'configmap', '-n', o.namespace, o.name, '--from-literal=k=v']);
    await pickContext(page, 'demo-admin');
    await openKind(page, 'configmaps');
    await pickNamespace(page, '');
    await typeInto(page, 'filter', stem);
    const keys = objects.map((o) => `${o.namespace}/${o.name}`);
    await waitForRows(page, (k) => k.length === 2 && keys.every((x) => k.includes(x)), 'the two ConfigMaps listed');
    await page.locator(`[data-testid="row"][data-key="${keys[0]}"]`).click();
    await page.locator(`[data-testid="row"][data-key="${keys[1]}"]`).click({ modifiers: ['Control'] });
    await expect.poll(() => byId(page, 'selection-actions').getAttribute('data-count')).toBe('2');

    const del = page.locator('[data-testid="table-actions"] [data-testid="action-delete"]');
    await expect.poll(() => del.isEnabled(), { timeout: 20_000 }).toBe(true);
    await del.click();
    await expect.poll(() => byId(page, 'confirm-context').textContent()).toBe('demo-admin');
    expect(await byId(page, 'confirm-namespace').textContent()).toBe('shop, payments');
    expect(await byId(page, 'confirm-names').textContent()).toBe(keys.join(''));
    const ok = byId(page, 'confirm-ok');
    await expect.poll(() => byId(page, 'action-plan').getAttribute('data-planned'), { timeout: 20_000 }).toBe('true');
    expect(await ok.isEnabled()).toBe(false);
    await byId(page, 'confirm-type').fill('2');
    await expect.poll(() => ok.isEnabled(), { timeout: 20_000 }).toBe(true);
    await shot(page, 'actions-07-delete-confirm');
    await ok.click();
    await byId(page, 'confirm').waitFor({ state: 'detached' });
    await waitForRows(page, (k) => !k.some((x) => keys.includes(x)), 'both ConfigMaps gone', 30_000);
    for (const o of objects) {
      expect(kubectl(['--context', 'demo-admin', 'get', 'configmaps', '-n', o.namespace, '-o', 'name']).split('\n').filter((l) => l.includes(stem))).toEqual([]);
    }
    await typeInto(page, 'filter', '');
    await pickNamespace(page, 'shop');
  });
});
