// The change timeline's budget, measured in Debian's Chromium against the
// real backend: "a new change on screen in the Changes view within 250 ms
// at p95". The Changes view is open, filtered to one Deployment's
// spec.replicas; the Deployment is scaled (kubectl scale) N times. Each
// entry carries the time the backend observed the change (its recorder,
// in the informer's handler); a MutationObserver in the page stamps each
// new row as it is drawn. Both clocks are this machine's. The path
// measured is the tables' notice path: the recorder's view → a
// changes:changed notice through the session's Coalescer → the page reads
// the window → the row is drawn. Results go to
// $CROWSNEST_ARTIFACTS/bench-changes.{json,md}. A benchmark reports
// numbers; it asserts only that it could measure them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { applyDeployment, byId, env, kubectl, openKind, pickContext, pickNamespace, shot, typeInto, withApp } from './harness';
import { stats } from './measure';

const N = Number(process.env.CROWSNEST_BENCH_CHANGES ?? 40);

describe('changes bench', () => {
  const suite = withApp();

  test(`${N} scales, each change on screen`, async () => {
    const { page } = suite.app;
    const name = `bench-tl-${Date.now().toString(36)}`;
    applyDeployment(name, 'registry.local/bench:1');
    await pickContext(page, 'demo-admin');
    await openKind(page, 'deployments');
    await pickNamespace(page, 'shop');
    await byId(page, 'changes-open').click();
    await byId(page, 'changes-view').waitFor();
    await typeInto(page, 'changes-path', 'spec.replicas');
    await typeInto(page, 'changes-text', name);
    await page.evaluate(() => {
      const w = window as unknown as { __lat: number[]; __seen: Set<string> };
      w.__lat = [];
      w.__seen = new Set();
      const stamp = () => {
        const now = Date.now();
        for (const el of document.querySelectorAll('[data-testid="changes-row"]')) {
          const seq = el.getAttribute('data-seq') ?? '';
          if (w.__seen.has(seq)) continue;
          w.__seen.add(seq);
          w.__lat.push(now - Number(el.getAttribute('data-time')));
        }
      };
      new MutationObserver(stamp).observe(document.body, { childList: true, subtree: true });
    });
    for (let i = 0; i < N; i++) {
      kubectl(['--context', 'demo-admin', 'scale', 'deployment', '-n', 'shop', name, `--replicas=${(i % 3) + 2}`]);
      await expect.poll(() => page.evaluate(() => (window as unknown as { __lat: number[] }).__lat.length), { timeout: 30_000 }).toBe(i + 1);
    }
    const lat = await page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
    const s = stats(lat);
    await shot(page, 'bench-changes');
    const md = `| budget | limit | measured |\n| --- | --- | --- |\n| a new change on screen in the Changes view | p95 ≤ 250 ms | observed by the backend → row drawn: p50 ${s.p50}, **p95 ${s.p95}**, max ${s.max} ms (${s.n} changes) |\n`;
    writeFileSync(join(env.artifacts, 'bench-changes.json'), JSON.stringify({ date: new Date().toISOString(), latencies: lat, stats: s }, null, 2));
    writeFileSync(join(env.artifacts, 'bench-changes.md'), md);
    console.log(md);
    expect(s.n).toBe(N);
    kubectl(['--context', 'demo-admin', 'delete', 'deployment', '-n', 'shop', name, '--wait=false']);
  });
});
