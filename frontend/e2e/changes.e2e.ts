// The change timeline against the real backend and the seeded local
// control plane: a Deployment scaled 1 → 3 shows as a change of
// spec.replicas in its Timeline tab (expanded to its field diff, with the
// manager) and in the Changes view of its namespace. Each state is saved
// as a screenshot.
import { describe, expect, test } from 'vitest';
import { applyDeployment, byId, kubectl, openKind, pickContext, pickNamespace, shot, typeInto, waitForRows, withApp } from './harness';

describe('changes', () => {
  const suite = withApp();

  test('a Deployment scaled 1 → 3 appears in its Timeline tab and in the Changes view', async () => {
    const { page } = suite.app;
    const name = `e2e-tl-${Date.now().toString(36)}`;
    const key = `shop/${name}`;
    await pickContext(page, 'demo-admin');
    await openKind(page, 'deployments');
    await pickNamespace(page, 'shop');
    applyDeployment(name, 'registry.local/e2e:1');
    await typeInto(page, 'filter', name);
    await waitForRows(page, (k) => k.length === 1 && k[0] === key, `${key} listed alone`);
    await page.locator(`[data-testid="row"][data-key="${key}"]`).click();
    await page.locator(`[data-testid="details"][data-key="${key}"]`).waitFor();

    kubectl(['--context', 'demo-admin', 'scale', 'deployment', '-n', 'shop', name, '--replicas=3']);
    await byId(page, 'details-tab-timeline').click();
    const replicas = page.locator('[data-testid="timeline-change"]', { hasText: 'spec.replicas' }).first();
    await replicas.waitFor({ timeout: 30_000 });
    await replicas.locator('.timeline-toggle').click();
    const row = replicas.locator('[data-testid="field-diff-row"][data-path="spec.replicas"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['spec.replicas', '1', '3']);
    expect(cells[3]).toContain('kubectl');
    expect(await page.locator('[data-testid="timeline-gap"]').count()).toBeGreaterThan(0);
    await shot(page, 'changes-01-timeline');

    await byId(page, 'changes-open').click();
    await byId(page, 'changes-view').waitFor();
    await typeInto(page, 'changes-path', 'spec.replicas');
    const entry = page.locator(`[data-testid="changes-row"][data-name="${name}"]`).first();
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.getAttribute('data-namespace')).toBe('shop');
    expect(await entry.textContent()).toContain('spec.replicas');
    await entry.locator('.timeline-toggle').click();
    await entry.locator('[data-testid="field-diff-row"][data-path="spec.replicas"]').waitFor();
    await shot(page, 'changes-02-changes-view');

    // A change made now arrives through the view's notice, newest first.
    kubectl(['--context', 'demo-admin', 'scale', 'deployment', '-n', 'shop', name, '--replicas=2']);
    await expect
      .poll(async () => (await page.locator('[data-testid="changes-row"]').first().textContent()) ?? '', { timeout: 30_000 })
      .toContain(name);
    await expect.poll(async () => page.locator(`[data-testid="changes-row"][data-name="${name}"]`).count(), { timeout: 30_000 }).toBe(2);
    await shot(page, 'changes-03-newest-first');
    await byId(page, 'changes-open').click();
    await typeInto(page, 'filter', '');
    kubectl(['--context', 'demo-admin', 'delete', 'deployment', '-n', 'shop', name, '--wait=false']);
  });
});
