// CPU and memory from metrics-server: kwok measures each pod as its
// annotations say, metrics-server scrapes kwok, and the pods table, sorted
// by CPU on the server, shows the hungriest first; a pod's details chart
// its usage.
import { afterAll, describe, expect, test } from 'vitest';
import { byId, kubectl, openKind, pickContext, pickNamespace, rowCells, shot, waitForRows, withApp } from './harness';

const ns = 'metrics-e2e';

function pod(name: string, cpu: string, memory: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, annotations: { 'kwok.x-k8s.io/usage-cpu': cpu, 'kwok.x-k8s.io/usage-memory': memory } },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/shop/app:1', resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } }] },
  });
}

describe('metrics', () => {
  const suite = withApp();
  kubectl(['--context', 'demo-admin', 'create', 'namespace', ns]);
  for (const [name, cpu, mem] of [['cool', '20m', '40Mi'], ['hot', '450m', '300Mi'], ['warm', '120m', '120Mi']] as const) {
    kubectl(['--context', 'demo-admin', 'apply', '-f', '-'], pod(name, cpu, mem));
  }
  afterAll(() => {
    kubectl(['--context', 'demo-admin', 'delete', 'namespace', ns, '--wait=false']);
  });

  test('pods sorted by CPU, the hungriest first, and a pod\'s usage chart', async () => {
    const { page } = suite.app;
    await pickContext(page, 'demo-admin');
    await pickNamespace(page, ns);
    await openKind(page, 'pods');
    await waitForRows(page, (k) => k.length === 3, 'the three pods');
    await byId(page, 'sort-cpu').click();
    await byId(page, 'sort-cpu').click();
    expect(await byId(page, 'sort-cpu').getAttribute('aria-sort')).toBe('descending');
    // metrics-server reports a CPU rate after its second scrape of kwok.
    await waitForRows(page, (k) => k.join() === [`${ns}/hot`, `${ns}/warm`, `${ns}/cool`].join(), 'sorted by CPU, descending', 90_000);
    const titles = await page.$$eval('[data-testid="resource-table"] [role="columnheader"]', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    const cells = await rowCells(page, `${ns}/hot`);
    const cpu = cells[titles.indexOf('CPU')] ?? '';
    expect(cpu).toMatch(/^\d+m$/);
    expect(Number(cpu.slice(0, -1))).toBeGreaterThan(400);
    expect(cells[titles.indexOf('Memory')]).toBe('300Mi');
    expect(cells[titles.indexOf('%CPU/R')]).toMatch(/^2\d\d$/);
    expect(await byId(page, 'metrics-state').count(), 'metrics available: no line').toBe(0);
    await shot(page, 'metrics-01-pods-by-cpu');

    await page.locator(`[data-testid="row"][data-key="${ns}/hot"]`).click();
    const chart = byId(page, 'usage-chart');
    await chart.waitFor({ timeout: 15_000 });
    await expect.poll(() => chart.locator('[data-testid="usage-series"]').count(), { timeout: 30_000 }).toBe(2);
    expect(await chart.locator('[data-testid="usage-series"][data-name="Total"] [data-testid="usage-memory"]').textContent()).toBe('300Mi');
    expect(await chart.locator('svg.sparkline path').count()).toBeGreaterThan(0);
    await shot(page, 'metrics-02-pod-usage');
  });
});
