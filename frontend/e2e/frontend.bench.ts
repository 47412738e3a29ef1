// The explorer's performance budgets (issues 4 and 7), measured in Debian's
// Chromium against the real backend at each pod count in
// CROWSNEST_BENCH_PODS (default 500,50000): time to first rows, scrolling,
// change-to-screen latency under ~1,000 pod updates/s, script time per
// notice, JavaScript heap, and the production bundle. Run by
// hack/bench-frontend (make bench-frontend), which starts everything; the
// results go to $CROWSNEST_ARTIFACTS/bench-frontend.{json,md}. A benchmark
// reports numbers; it asserts only that it could measure them.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import type {} from '../src/table/perf';
import { byId, env, kubectl, launch, openApp, openKind, pickContext, pickNamespace, type AppPage } from './harness';
import { heapMB, stats, type Stats } from './measure';

const root = join(process.cwd(), '..');
const sizes = (process.env.CROWSNEST_BENCH_PODS ?? '500,50000').split(',').map(Number);
const churn = process.env.CROWSNEST_PODCHURN ?? '';
// Offered update rates: 1,000/s is the budget's; the local API server may
// not sustain it (see the backend section), so a sustainable rate runs too.
const updateRates = (process.env.CROWSNEST_BENCH_RATES ?? '1000,100').split(',').map(Number);
const updateSeconds = Number(process.env.CROWSNEST_BENCH_UPDATE_SECONDS ?? 20);


interface ScrollResult {
  frames: number;
  seconds: number;
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  /** Frames where a row on screen was a placeholder (its data not there yet). */
  placeholderFrames: number;
  /** The longest run of consecutive such frames. */
  longestPlaceholderRun: number;
}

interface DragUnderChurn extends ScrollResult {
  offered: number;
  patchesPerSecond: number;
}

interface SizeResult {
  pods: number;
  /** Where the rows were: all namespaces, or a namespace of its own (see scopeFor). */
  namespace: string;
  rows: number;
  openMs: Stats;
  drag: ScrollResult;
  wheel: ScrollResult;
  dragUnderChurn: DragUnderChurn;
  heapMB: number;
  updates: Updates[];
}

interface Updates {
  offered: number;
  patchesPerSecond: number;
  failedPatches: number;
  probes: number;
  probesSeen: number;
  /** From sending the probe's create to the first frame showing its row. */
  latencyMs: Stats;
  /** From the API server's answer to the create to that frame. */
  latencyFromAckMs: Stats;
  notices: number;
  /** All the page's script (CDP ScriptDuration) over the notices: an upper bound. */
  scriptMsPerNotice: number;
  taskMsPerNotice: number;
  /** Per notice of the page's view, from the app's own accounting (src/perf.ts). */
  noticeCost: NoticeCost;
}

/**
 * What one notice cost in script: handling it (count, which rows to
 * refetch, React rendering what changed) plus handling each window its
 * refetch brought back (taking the rows in, rendering the rows that
 * changed), each timed from the app's callback to the end of that task's
 * microtasks. decodeMs is the Wails runtime's JSON decoding of one window,
 * timed apart, which happens before the app's callback.
 */
interface NoticeCost {
  notices: number;
  windows: number;
  ms: Stats;
  meanMs: number;
  decodeMsPerWindow: number;
  /** meanMs plus the windows' decoding, per notice. */
  meanWithDecodeMs: number;
}

interface BundleResult {
  firstScreen: { file: string; gzipKB: number }[];
  firstScreenGzipKB: number;
  yamlEditor: { file: string; gzipKB: number }[];
  yamlEditorGzipKB: number;
}

const results: { sizes: SizeResult[]; bundle?: BundleResult; chromium: string; date: string; notes: string[] } = {
  sizes: [],
  notes: [],
  chromium: '',
  date: new Date().toISOString(),
};

/** Progress on stderr, as it happens: a 50,000-pod run takes many minutes. */
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] bench: ${what}\n`);

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

function gzipKB(file: string): number {
  return kb(gzipSync(readFileSync(join(root, 'frontend/dist', file)), { level: 9 }).length);
}

/** Waits until the pod table counts at least min rows and holds still for 3 s. */
async function settledCount(page: Page, min: number, timeout = 20 * 60_000): Promise<number> {
  const deadline = Date.now() + timeout;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const n = Number(await page.locator('[data-testid="resource-table"][data-kind="pods"]').getAttribute('data-count'));
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (n >= min && Date.now() - since > 3000) {
      return n;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the pod table did not settle at >= ${min} rows (last count ${last})`);
}

async function showAllPods(app: AppPage): Promise<void> {
  await pickContext(app.page, 'demo-admin');
  await openKind(app.page, 'pods');
  await pickNamespace(app.page, '');
}

/**
 * Time from clicking the pod view to the first frame with rows, from
 * ReplicaSets (which every namespace the benchmark measures in has).
 */
async function measureOpen(page: Page, runs: number): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await openKind(page, 'replicasets');
    await page.locator('[data-testid="resource-table"][data-kind="replicasets"] [data-testid="row"]').first().waitFor();
    await page.waitForTimeout(300);
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const start = performance.now();
          (document.querySelector('[data-testid="nav-pods"]') as HTMLElement).click();
          const check = () => {
            const table = document.querySelector('[data-testid="resource-table"][data-kind="pods"]');
            if (table?.querySelector('[data-testid="row"]')) resolve(performance.now() - start);
            else if (performance.now() - start > 30_000) resolve(-1);
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
    );
    expect(ms, 'pod rows never showed').toBeGreaterThan(0);
    times.push(ms);
  }
  await page.locator('[data-testid="resource-table"][data-kind="pods"] [data-testid="row"]').first().waitFor();
  return stats(times);
}

/**
 * Scrolls the pod table, one step per animation frame: "drag" goes from top
 * to bottom in a fixed time (like dragging the scrollbar), "wheel" moves at a
 * constant speed (a fast wheel or trackpad fling). Each frame notes its time
 * and whether a row in view is still a placeholder.
 */
async function measureScroll(page: Page, mode: 'drag' | 'wheel', seconds: number): Promise<ScrollResult> {
  return page.evaluate(
    ([mode, seconds]) =>
      new Promise<ScrollResult>((resolve) => {
        const table = document.querySelector('[data-testid="resource-table"][data-kind="pods"]')!;
        const firstRow = table.querySelector('[data-testid="row"]') as HTMLElement;
        // The scroller is the nearest scrollable ancestor of the rows.
        let scroller = firstRow.parentElement!;
        while (scroller !== table && scroller.scrollHeight <= scroller.clientHeight + 1) scroller = scroller.parentElement!;
        const rowParent = firstRow.parentElement!;
        scroller.scrollTop = 0;
        const max = scroller.scrollHeight - scroller.clientHeight;
        const wheelSpeed = 3000; // px/s: ~100 rows a second
        const frameTimes: number[] = [];
        let placeholderFrames = 0;
        let run = 0;
        let longest = 0;
        let t0 = 0;
        let last = 0;
        // Whether a placeholder row is in view, worked out from the rows'
        // own offsets (translateY in their inline style) and the scroll
        // position this script set, without reading layout: a
        // getBoundingClientRect per row each frame forced a layout of its
        // own, a quarter of a drag's frame in a profile, which a user's
        // drag does not pay. Measured once: where row offset 0 sits in the
        // scroller's content, the row height and the viewport's height.
        const offsetOf = (el: Element) => Number(/translateY\((-?[\d.]+)px\)/.exec((el as HTMLElement).style.transform)?.[1] ?? NaN);
        const origin =
          firstRow.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - offsetOf(firstRow);
        const rowHeight = firstRow.offsetHeight;
        const viewHeight = scroller.clientHeight;
        let shownTop = 0;
        const placeholderInView = () => {
          for (const el of Array.from(rowParent.children)) {
            if ((el as HTMLElement).dataset.testid === 'row') continue;
            const top = origin + offsetOf(el);
            if (top + rowHeight > shownTop && top < shownTop + viewHeight) return true;
          }
          return false;
        };
        const frame = (ts: number) => {
          if (t0 === 0) {
            t0 = last = ts;
          } else {
            frameTimes.push(ts - last);
            last = ts;
            // What this frame shows: the rows rendered for the previous step.
            if (placeholderInView()) {
              placeholderFrames++;
              run++;
              longest = Math.max(longest, run);
            } else {
              run = 0;
            }
          }
          const elapsed = (ts - t0) / 1000;
          if (elapsed >= seconds) {
            const total = (last - t0) / 1000;
            const sorted = [...frameTimes].sort((a, b) => a - b);
            resolve({
              frames: frameTimes.length,
              seconds: total,
              fps: frameTimes.length / total,
              p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
              maxFrameMs: sorted[sorted.length - 1] ?? 0,
              placeholderFrames,
              longestPlaceholderRun: longest,
            });
            return;
          }
          shownTop = mode === 'drag' ? (max * elapsed) / seconds : Math.min(max, elapsed * wheelSpeed);
          scroller.scrollTop = shownTop;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    [mode, seconds] as const,
  );
}

async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate(() => {
    const table = document.querySelector('[data-testid="resource-table"][data-kind="pods"]')!;
    for (const el of Array.from(table.querySelectorAll('*'))) if (el.scrollTop > 0) el.scrollTop = 0;
  });
  await page.waitForTimeout(500);
}


async function metric(cdp: CDPSession, name: string): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? NaN;
}

interface Churn {
  /** Probe pod -> when its create was sent and answered (Unix ms). */
  sent: Record<string, number>;
  acked: Record<string, number>;
  summary: { patches: number; failed: number; seconds: number; firstError: string } | undefined;
}

/** runChurn patches the load pods at the offered rate for seconds, with probe pods, and reports what it did. */
function runChurn(rate: number, namespace: string, seconds: number): Promise<Churn> {
  const out: Churn = { sent: {}, acked: {}, summary: undefined };
  return new Promise<Churn>((resolve, reject) => {
    const child = spawn(
      churn,
      ['-kubeconfig', env.kubeconfig, '-context', 'demo-admin', '-namespace', namespace || 'load', '-probe-namespace', namespace || 'default',
        '-rate', String(rate), '-duration', `${seconds}s`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
        if (typeof line.probe === 'string') {
          out.sent[line.probe] = line.sent as number;
          out.acked[line.probe] = line.acked as number;
        } else if ('patches' in line) out.summary = line as unknown as Churn['summary'];
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`podchurn exited with ${code}`))));
  });
}

/**
 * The drag again, while podchurn patches the load pods at the budget's
 * rate (1,000/s offered) and adds probe rows at the top: the table keeping
 * its frame rate while the view it shows changes under it (issue 7).
 */
async function measureDragUnderChurn(page: Page, namespace: string): Promise<DragUnderChurn> {
  await scrollToTop(page);
  const rate = updateRates[0] ?? 1000;
  const churning = runChurn(rate, namespace, 14);
  await page.waitForTimeout(2000); // the patches under way
  const drag = await measureScroll(page, 'drag', 10);
  const { summary } = await churning;
  expect(summary, 'podchurn gave no summary').toBeDefined();
  await scrollToTop(page);
  return { ...drag, offered: rate, patchesPerSecond: Math.round(summary!.patches / summary!.seconds) };
}

/** Runs podchurn against the page's table and times each probe to the screen. */
async function watchProbes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __seen: Record<string, number>;
      __notices: Record<string, number>;
      __ownView: () => string;
      runtime: { EventsOn: (name: string, cb: (n: { viewId: string }) => void) => void };
    };
    w.__seen = {};
    // The page's own view: the one it last fetched rows of (from the call probe).
    w.__ownView = () => {
      const rows = window.__e2e.calls.filter((c) => c.method === 'main.App.ViewTableRows');
      return String(rows[rows.length - 1]?.args[0] ?? '');
    };
    // Per view: the dev server sends every client the notices of every
    // view, the app window's own too.
    w.__notices = {};
    w.runtime.EventsOn('view:changed', (n) => {
      w.__notices[n.viewId] = (w.__notices[n.viewId] ?? 0) + 1;
    });
    // A probe's row counts as on screen at the first animation frame after
    // it entered the DOM (the frame that paints it).
    const table = document.querySelector('[data-testid="resource-table"][data-kind="pods"]')!;
    const look = () => {
      const fresh: string[] = [];
      for (const row of Array.from(table.querySelectorAll('[data-testid="row"]'))) {
        const key = row.getAttribute('data-key') ?? '';
        if (key.includes('/aaa-probe-') && !(key in w.__seen)) fresh.push(key);
      }
      if (fresh.length === 0) return;
      for (const k of fresh) w.__seen[k] = 0;
      requestAnimationFrame(() => {
        const at = performance.timeOrigin + performance.now();
        for (const k of fresh) w.__seen[k] = at;
      });
    };
    new MutationObserver(look).observe(table, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-key'] });
  });
}

/** Notices so far for the page's own view: the one it last fetched rows of. */
async function ownNotices(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { __notices: Record<string, number>; __ownView: () => string };
    return w.__notices[w.__ownView()] ?? 0;
  });
}

/** Milliseconds the page takes to decode (JSON.parse) one 100-row window of its view, as the Wails runtime does. */
async function windowDecodeMs(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const id = (window as unknown as { __ownView: () => string }).__ownView();
    const app = (window as unknown as { go: { main: { App: { ViewTableRows: (id: string, o: number, l: number) => Promise<unknown> } } } }).go.main.App;
    const text = JSON.stringify(await app.ViewTableRows(id, 0, 100));
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 200) {
      JSON.parse(text);
      n++;
    }
    return (performance.now() - t) / n;
  });
}

/** The app's own accounting of what each notice cost, between two page times. */
async function noticeCosts(page: Page, from: number, to: number, decodeMs: number): Promise<NoticeCost> {
  const costs = await page.evaluate(() => window.__crowsnestPerf?.costs ?? []);
  const byVersion = new Map<number, number>();
  let windows = 0;
  for (const c of costs) if (c.what === 'notice' && c.at >= from && c.at <= to) byVersion.set(c.version, 0);
  for (const c of costs) {
    if (!byVersion.has(c.version)) continue;
    byVersion.set(c.version, byVersion.get(c.version)! + c.ms);
    if (c.what === 'window') windows++;
  }
  const ms = [...byVersion.values()];
  const notices = ms.length;
  const mean = ms.reduce((a, x) => a + x, 0) / Math.max(1, notices);
  return {
    notices,
    windows,
    ms: stats(ms),
    meanMs: mean,
    decodeMsPerWindow: decodeMs,
    meanWithDecodeMs: mean + (decodeMs * windows) / Math.max(1, notices),
  };
}

async function measureUpdates(page: Page, cdp: CDPSession, rate: number, namespace: string): Promise<Updates> {
  await scrollToTop(page);
  await cdp.send('Performance.enable');
  const script0 = await metric(cdp, 'ScriptDuration');
  const task0 = await metric(cdp, 'TaskDuration');
  const notices0 = await ownNotices(page);
  const t0 = await page.evaluate(() => performance.now());

  const { sent, acked, summary } = await runChurn(rate, namespace, updateSeconds);
  const script1 = await metric(cdp, 'ScriptDuration');
  const task1 = await metric(cdp, 'TaskDuration');
  const notices1 = await ownNotices(page);
  const t1 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(2000); // the last probes
  const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
  const shown = Object.keys(sent).filter((k) => (seen[k] ?? 0) > 0);
  const latencies = shown.map((k) => seen[k]! - sent[k]!);
  const fromAck = shown.map((k) => Math.max(0, seen[k]! - acked[k]!));
  expect(summary, 'podchurn gave no summary').toBeDefined();
  const notices = notices1 - notices0;
  return {
    offered: rate,
    patchesPerSecond: Math.round(summary!.patches / summary!.seconds),
    failedPatches: summary!.failed,
    probes: Object.keys(sent).length,
    probesSeen: latencies.length,
    latencyMs: stats(latencies),
    latencyFromAckMs: stats(fromAck),
    notices,
    scriptMsPerNotice: ((script1 - script0) * 1000) / Math.max(1, notices),
    taskMsPerNotice: ((task1 - task0) * 1000) / Math.max(1, notices),
    noticeCost: await noticeCosts(page, t0, t1, await windowDecodeMs(page)),
  };
}

/** The JavaScript the first screen loads, and what opening the YAML tab adds. */
async function measureBundle(browser: Browser): Promise<BundleResult> {
  const app = await openApp(browser, { probe: false });
  try {
    return await bundleOf(app);
  } finally {
    // A page left open would go on rendering the table beside the next one.
    await app.page.context().close();
  }
}

async function bundleOf(app: AppPage): Promise<BundleResult> {
  const loaded: string[] = [];
  app.page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/assets/') && path.endsWith('.js')) loaded.push(path.slice(1));
  });
  // Requests made before openApp returned were missed: take them from the page.
  const initial = await app.page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.startsWith('/assets/') && p.endsWith('.js'))
      .map((p) => p.slice(1)),
  );
  await showAllPods(app);
  // A freshly started app lists every pod first: minutes at 50,000.
  await app.page.locator('[data-testid="row"]').first().waitFor({ timeout: 15 * 60_000 });
  const firstScreen = [...new Set([...initial, ...loaded])];
  loaded.length = 0;
  await app.page.locator('[data-testid="row"]').first().click();
  await byId(app.page, 'details-tab-yaml').click();
  await app.page.locator('[data-testid="yaml"] .cm-content').waitFor();
  const yaml = [...new Set(loaded)].filter((f) => !firstScreen.includes(f));
  const sized = (files: string[]) => files.map((file) => ({ file, gzipKB: gzipKB(file) }));
  const sum = (xs: { gzipKB: number }[]) => Math.round(xs.reduce((a, x) => a + x.gzipKB, 0) * 10) / 10;
  const fs = sized(firstScreen);
  const ys = sized(yaml);
  // Every chunk the build made is either on the first screen or lazy.
  const all = readdirSync(join(root, 'frontend/dist/assets')).filter((f) => f.endsWith('.js'));
  expect(all.length).toBeGreaterThan(0);
  return { firstScreen: fs, firstScreenGzipKB: sum(fs), yamlEditor: ys, yamlEditorGzipKB: sum(ys) };
}

/**
 * Seeds the load pods in namespace (only those missing: seeding is
 * idempotent). The seeder then waits (10 min at most) until the
 * ReplicaSets have adopted every pod; on a busy machine adoption of 50,000
 * pods takes longer. The pods exist by then, so the run goes on and says so.
 */
function seed(pods: number, namespace: string): void {
  const dir = process.env.CROWSNEST_E2E_CLUSTER_DIR!;
  const port = process.env.CROWSNEST_E2E_PORT_BASE!;
  try {
    execFileSync(join(root, 'hack/cluster'), ['seed', '--dir', dir, '--port-base', port, '--pods', String(pods), '--namespace', namespace], {
      stdio: 'inherit',
      timeout: 60 * 60_000,
    });
  } catch (e) {
    const note = `seeding ${pods} pods in ${namespace} did not settle (${String(e).split('\n')[0]}); measured while the ReplicaSets were still adopting pods`;
    console.warn(note);
    results.notes.push(note);
  }
}

/** podsIn counts the pods in namespace (0 if there is none) from a one-pod list's remaining count. */
function podsIn(namespace: string): number {
  try {
    const list = JSON.parse(kubectl(['--context', 'demo-admin', 'get', '--raw', `/api/v1/namespaces/${namespace}/pods?limit=1`])) as {
      items: unknown[];
      metadata: { remainingItemCount?: number };
    };
    return list.items.length + (list.metadata.remainingItemCount ?? 0);
  } catch {
    return 0; // no such namespace yet
  }
}

/**
 * scopeFor says where pods pods are measured: all namespaces ("") while the
 * load namespace holds no more than that (it is seeded up to it), or, on a
 * cluster already seeded with more (a run at a larger size before, or a big
 * cluster reused with --cluster-dir), a namespace of their own,
 * load-<pods>, since pods are never deleted to get down to a size.
 */
function scopeFor(pods: number): string {
  return podsIn('load') > pods ? `load-${pods}` : '';
}

function markdown(): string {
  const f = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 'n/a');
  const lines = [
    `Chromium ${results.chromium}, ${results.date}.`,
    '',
    '| pods | namespace | rows | open → first rows, p50 / p95 / max (ms) | drag top → bottom in 10 s: fps, p95 frame (ms), frames with placeholders (longest run) | wheel 3,000 px/s for 5 s: fps, frames with placeholders (longest run) | the drag under pod updates (offered → done/s): fps, p95 frame (ms), frames with placeholders (longest run) | JS heap after GC (MB) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results.sizes) {
    lines.push(
      `| ${r.pods} | ${r.namespace || 'all'} | ${r.rows} | ${f(r.openMs.p50)} / ${f(r.openMs.p95)} / ${f(r.openMs.max)} (n=${r.openMs.n}) | ` +
        `${f(r.drag.fps)}, ${f(r.drag.p95FrameMs)}, ${r.drag.placeholderFrames} of ${r.drag.frames} (${r.drag.longestPlaceholderRun}) | ` +
        `${f(r.wheel.fps)}, ${r.wheel.placeholderFrames} of ${r.wheel.frames} (${r.wheel.longestPlaceholderRun}) | ` +
        `(${r.dragUnderChurn.offered} → ${r.dragUnderChurn.patchesPerSecond}) ${f(r.dragUnderChurn.fps)}, ${f(r.dragUnderChurn.p95FrameMs)}, ` +
        `${r.dragUnderChurn.placeholderFrames} of ${r.dragUnderChurn.frames} (${r.dragUnderChurn.longestPlaceholderRun}) | ${r.heapMB} |`,
    );
  }
  lines.push(
    '',
    '| pods | patches/s offered → done (failed) | change → screen from send, p50 / p95 / max (ms) | from the API answer, p50 / p95 (ms) | probes on screen | notices of the page\'s view | all script ms / notices (all task ms) | script per notice (app accounting), mean / p50 / p95 / max ms (n), windows | + decoding the windows, mean ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of results.sizes) {
    for (const u of r.updates) {
      lines.push(
        `| ${r.pods} | ${u.offered} → ${u.patchesPerSecond} (${u.failedPatches}) | ${f(u.latencyMs.p50)} / ${f(u.latencyMs.p95)} / ${f(u.latencyMs.max)} | ` +
          `${f(u.latencyFromAckMs.p50)} / ${f(u.latencyFromAckMs.p95)} | ${u.probesSeen} of ${u.probes} | ${u.notices} | ${f(u.scriptMsPerNotice)} (${f(u.taskMsPerNotice)}) | ` +
          `${f(u.noticeCost.meanMs)} / ${f(u.noticeCost.ms.p50)} / ${f(u.noticeCost.ms.p95)} / ${f(u.noticeCost.ms.max)} (${u.noticeCost.notices}), ${u.noticeCost.windows} | ` +
          `${f(u.noticeCost.meanWithDecodeMs)} (${f(u.noticeCost.decodeMsPerWindow)} a window) |`,
      );
    }
  }
  if (results.sizes.length >= 2) {
    const a = results.sizes[0]!;
    const b = results.sizes[results.sizes.length - 1]!;
    lines.push('', `JS heap at ${b.pods} pods / at ${a.pods} pods: ${f(b.heapMB / a.heapMB)}x.`);
  }
  if (results.bundle) {
    const b = results.bundle;
    lines.push(
      '',
      `Production bundle (gzip -9): the first screen loads ${b.firstScreenGzipKB} KB of JavaScript (${b.firstScreen.map((x) => `${x.file} ${x.gzipKB} KB`).join(', ')}); ` +
        `opening the YAML tab loads ${b.yamlEditorGzipKB} KB more (${b.yamlEditor.map((x) => `${x.file} ${x.gzipKB} KB`).join(', ') || 'nothing'}).`,
    );
  }
  for (const n of results.notes) lines.push('', `Note: ${n}.`);
  return lines.join('\n');
}

describe('frontend budgets', () => {
  let browser: Browser;

  beforeAll(async () => {
    expect(churn, 'CROWSNEST_PODCHURN (the podchurn binary) is not set: run hack/bench-frontend').not.toBe('');
    browser = await launch();
    results.chromium = browser.version();
  });

  afterAll(async () => {
    await browser?.close();
    writeFileSync(join(env.artifacts, 'bench-frontend.json'), JSON.stringify(results, null, 2));
    const md = markdown();
    writeFileSync(join(env.artifacts, 'bench-frontend.md'), md + '\n');
    console.log('\n' + md + '\n');
  });

  test('production bundle', async () => {
    results.bundle = await measureBundle(browser);
    expect(results.bundle.firstScreen.length).toBeGreaterThan(0);
  });

  for (const pods of sizes) {
    test(`${pods} pods`, async () => {
      // The probe tells which view is the page's own (see ownNotices).
      const app = await openApp(browser, { perf: true });
      onTestFinished(() => app.page.context().close());
      const { page } = app;
      const cdp = await page.context().newCDPSession(page);
      await showAllPods(app);
      // The backend syncs the whole cluster at start-up: a size measured in
      // a namespace of its own waits for that too, not to race it.
      await settledCount(page, 1);
      // A cluster kept from an earlier run, or one already seeded (hack/bench-frontend
      // --cluster-dir), may hold them already: only the difference is seeded.
      step(`${pods} pods`);
      const namespace = scopeFor(pods);
      if (namespace !== '') {
        step(`the load namespace holds more than ${pods} pods: measuring ${pods} in namespace ${namespace}`);
        results.notes.push(`${pods} pods were measured in namespace ${namespace}, seeded for it, as namespace load already held more`);
        if (podsIn(namespace) < pods) seed(pods, namespace);
        await pickNamespace(page, namespace);
      } else if (podsIn('load') < pods) {
        seed(pods, 'load');
      }
      const rows = await settledCount(page, pods);
      await page.locator('[data-testid="row"]').first().waitFor();
      step(`${rows} rows: scrolling`);
      const drag = await measureScroll(page, 'drag', 10);
      await scrollToTop(page);
      const wheel = await measureScroll(page, 'wheel', 5);
      await scrollToTop(page);
      // The heap of a page that has shown the whole table once.
      step('heap');
      const heap = await heapMB(cdp);
      step('opening the view');
      const openMs = await measureOpen(page, 7);
      await watchProbes(page);
      step('drag under pod updates');
      const dragUnderChurn = await measureDragUnderChurn(page, namespace);
      const updates: Updates[] = [];
      for (const rate of updateRates) {
        step(`updates at ${rate}/s`);
        updates.push(await measureUpdates(page, cdp, rate, namespace));
      }
      step('done');
      results.sizes.push({ pods, namespace, rows, openMs, drag, wheel, dragUnderChurn, heapMB: heap, updates });
      for (const u of updates) expect(u.probesSeen, `no probe reached the screen at ${u.offered}/s`).toBeGreaterThan(0);
    });
  }
});
