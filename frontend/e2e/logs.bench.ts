// The logs budgets (issue 15), measured in Debian's Chromium against the
// real backend: a pod's log file (hack/podsim's, served by kwok) that
// hack/cmd/logflood appends to, each line carrying the time it was written.
// - first lines on screen after opening a pod's logs (the details' Logs tab);
// - 20,000 lines/s into the view while following: the newest line's time from
//   its write to the frame that shows it, script per notice (the app's own
//   accounting, src/perf.ts, plus CDP's ScriptDuration as an upper bound),
//   scrolling while lines arrive and after;
// - the page's JavaScript heap after 1,000 lines and after 1,000,000.
// Run by hack/bench-logs (make bench-logs); results go to
// $CROWSNEST_ARTIFACTS/bench-logs.{json,md}. A benchmark reports numbers;
// it asserts only that it could measure them.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {} from '../src/table/perf';
import { byId, env, launch, openApp, openKind, pickContext, pickNamespace, shot, typeInto, waitForRows } from './harness';
import { cpuShare, heapMB, stats, type Stats } from './measure';

const flood = process.env.CROWSNEST_LOGFLOOD ?? '';
const rate = Number(process.env.CROWSNEST_BENCH_LOG_RATE ?? 20_000);
const total = Number(process.env.CROWSNEST_BENCH_LOG_LINES ?? 1_000_000);
/** CROWSNEST_BENCH_PROFILE=1: a CPU profile of the page while following (bench-logs-following.cpuprofile). */
const profile = process.env.CROWSNEST_BENCH_PROFILE === '1';
const NS = 'logbench';
// A pod of its own each run: a log file grown by earlier runs would make
// opening slower (kwok reads it to find the tail).
const POD = `flood-${Date.now().toString(36)}`;


interface Scroll {
  frames: number;
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  /** Frames where a row in view had no line yet. */
  emptyFrames: number;
}

interface Results {
  chromium: string;
  date: string;
  rate: number;
  openMs?: Stats;
  written?: { lines: number; seconds: number; bytes: number };
  /** Lines the view took in while following (its next seq moved), per second. */
  viewLinesPerSecond?: number;
  latencyMs?: Stats;
  notices?: number;
  /** The newest line's latency in two legs, and LogTail's round trip (ms). */
  latencySplit?: { pageLeg: Stats; noticeGaps: Stats; tailRoundTrip: Stats };
  /** Cores each group of the machine's processes used during each drag (cpuShare). */
  cpuDuringDrag?: Record<string, number>;
  cpuAfterDrag?: Record<string, number>;
  /** Main-thread milliseconds per frame of the drag while lines arrive, by CDP metric. */
  mainThreadMsPerDragFrame?: Record<string, number>;
  /** Main-thread milliseconds per notice while following, by CDP metric (Task, Script, RecalcStyle, Layout). */
  mainThreadMsPerNotice?: Record<string, number>;
  noticeCostMs?: Stats & { mean: number; windows: number };
  scriptMsPerNotice?: number;
  scrollDuringFlood?: Scroll;
  scrollAfter?: Scroll;
  heap1kMB?: number;
  heap1MMB?: number;
  linesAt1k?: number;
  linesAt1M?: number;
  notes: string[];
}

const results: Results = { chromium: '', date: new Date().toISOString(), rate, notes: [] };
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] bench-logs: ${what}\n`);

/** runFlood runs logflood with args and resolves with its last JSON line. */
function runFlood(args: string[]): Promise<Record<string, number | string>> {
  const root = join(process.env.CROWSNEST_E2E_CLUSTER_DIR!, 'demo', 'podsim');
  return new Promise((resolve, reject) => {
    const child = spawn(flood, ['-kubeconfig', env.kubeconfig, '-root', root, '-namespace', NS, '-pod', POD, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '{}';
      if (code === 0) resolve(JSON.parse(last) as Record<string, number | string>);
      else reject(new Error(`logflood exited with ${code}: ${out}`));
    });
  });
}

const logs = '[data-testid="details"] [data-testid="logs"]';


/**
 * startTrace records a Chromium trace of the page (the timeline's events);
 * the function it returns stops it and writes the renderer main thread's
 * time by event name to bench-logs-<name>-trace.json (profile mode).
 */
async function startTrace(page: Page, name: string): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as typeof events)));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReportEvents' });
  return async () => {
    const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.end');
    await done;
    const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const by: Record<string, number> = {};
    for (const e of events) {
      if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
      by[e.name] = (by[e.name] ?? 0) + e.dur / 1000;
    }
    const top = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 40);
    writeFileSync(join(env.artifacts, `bench-logs-${name}-trace.json`), JSON.stringify(Object.fromEntries(top), null, 1));
  };
}

/** The main thread's time so far by what it did (CDP's cumulative seconds). */
async function mainThread(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const want = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'];
  return Object.fromEntries(metrics.filter((m) => want.includes(m.name)).map((m) => [m.name.replace('Duration', ''), m.value]));
}

async function metric(cdp: CDPSession, name: string): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === name)?.value ?? NaN;
}

/** The newest line seq the view holds (its next - 1), from the bound LogStatus-free page: the last line drawn when following. */
const newestDrawn = (page: Page) =>
  page.evaluate((sel) => {
    let max = 0;
    for (const el of Array.from(document.querySelectorAll(`${sel} [data-testid="log-line"]`))) max = Math.max(max, Number(el.getAttribute('data-seq')));
    return max;
  }, logs);

/** Time from clicking the Logs tab to the first frame with a line, runs times (the view is re-opened each time). */
async function measureOpen(page: Page, runs: number): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await byId(page, 'details-tab-overview').click();
    await page.waitForFunction((sel) => !document.querySelector(`${sel} [data-testid="log-line"]`), logs);
    await page.waitForTimeout(500);
    const ms = await page.evaluate(
      (sel) =>
        new Promise<number>((resolve) => {
          const start = performance.now();
          (document.querySelector('[data-testid="details-tab-logs"]') as HTMLElement).click();
          const check = () => {
            if (document.querySelector(`${sel} [data-testid="log-line"]`)) resolve(performance.now() - start);
            else if (performance.now() - start > 30_000) resolve(-1);
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
      logs,
    );
    expect(ms, 'no log line showed').toBeGreaterThan(0);
    times.push(ms);
  }
  return stats(times);
}

/** Starts sampling, every frame, the newest line drawn: when it changes, its write time (t=) to now. */
async function watchNewest(page: Page): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { __lat: number[]; __latOn: boolean; __newest: [number, number][] };
    w.__lat = [];
    w.__latOn = true;
    w.__newest = [];
    (w as unknown as { __drawn: [number, number, number][] }).__drawn = [];
    let newest = 0;
    (w as unknown as { __frames: number }).__frames = 0;
    const frame = () => {
      if (!w.__latOn) return;
      (w as unknown as { __frames: number }).__frames++;
      // The newest line drawn is the last line row of the block (rows are
      // in seq order); looking only there keeps the sampler's own cost per
      // frame small and constant.
      let best: Element | null = null;
      let max = newest;
      let el = document.querySelector(`${sel} .logs-block`)?.lastElementChild ?? null;
      while (el && !el.hasAttribute('data-seq')) el = el.previousElementSibling;
      const seq = el ? Number(el.getAttribute('data-seq')) : 0;
      if (el && seq > max) {
        max = seq;
        best = el;
      }
      if (best) {
        newest = max;
        w.__newest.push([performance.now(), max]);
        const m = /\bt=(\d+\.\d+)/.exec(best.textContent ?? '');
        if (m) {
          const now = performance.timeOrigin + performance.now();
          w.__lat.push(now - Number(m[1]));
          (w as unknown as { __drawn: [number, number, number][] }).__drawn.push([max, Number(m[1]), now]);
        }
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, logs);
}

/** Stops sampling: the latencies, and the newest lines drawn over time ([page ms, seq]). */
async function stopWatching(page: Page): Promise<{ lat: number[]; newest: [number, number][]; frames: number; drawn: [number, number, number][] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __latOn: boolean; __newest: [number, number][] };
    w.__latOn = false;
    const x = w as unknown as { __drawn: [number, number, number][]; __frames: number };
    return { lat: w.__lat, newest: w.__newest, frames: x.__frames, drawn: x.__drawn };
  });
}

/** Drags the log's scroller from top to bottom in seconds, one step a frame. */
async function measureScroll(page: Page, seconds: number): Promise<Scroll> {
  return page.evaluate(
    ([sel, seconds]) =>
      new Promise<Scroll>((resolve) => {
        const scroller = document.querySelector(`${sel} [data-testid="logs-scroller"]`) as HTMLElement;
        scroller.scrollTop = 0;
        const times: number[] = [];
        let empty = 0;
        let t0 = 0;
        let last = 0;
        const frame = (ts: number) => {
          if (t0 === 0) t0 = last = ts;
          else {
            times.push(ts - last);
            last = ts;
            // Rows drawn without their line yet (the store still fetching it).
            if (scroller.querySelector('.log-line.placeholder, [data-testid="log-placeholder"]')) empty++;
          }
          const elapsed = (ts - t0) / 1000;
          if (elapsed >= seconds) {
            const sorted = [...times].sort((a, b) => a - b);
            resolve({
              frames: times.length,
              fps: times.length / ((last - t0) / 1000),
              p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
              maxFrameMs: sorted[sorted.length - 1] ?? 0,
              emptyFrames: empty,
            });
            return;
          }
          // Stop one row short of the bottom: reaching it would follow again.
          scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight - 40) * elapsed) / seconds;
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    [logs, seconds] as const,
  );
}

async function jumpToLatest(page: Page): Promise<void> {
  const jump = page.locator(`${logs} [data-testid="logs-jump"]`);
  if (await jump.count()) await jump.click();
  await page.waitForTimeout(500);
}

function markdown(): string {
  const f = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? Math.round(x * 10) / 10 : 'n/a');
  const r = results;
  const s = (x: Stats | undefined) => (x ? `${f(x.p50)} / ${f(x.p95)} / ${f(x.max)} (n=${x.n})` : 'n/a');
  const cores = (x: Record<string, number> | undefined) =>
    x ? Object.entries(x).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') : 'n/a';
  const sc = (x: Scroll | undefined) => (x ? `${f(x.fps)} fps, p95 frame ${f(x.p95FrameMs)} ms, max ${f(x.maxFrameMs)} ms, ${x.emptyFrames} of ${x.frames} frames with a line missing` : 'n/a');
  const lines = [
    `Chromium ${r.chromium}, ${r.date}; offered ${r.rate} lines/s.`,
    '',
    '| measure | p50 / p95 / max (n) or value |',
    '| --- | --- |',
    `| open a pod's logs → first line on screen (ms) | ${s(r.openMs)} |`,
    `| lines written (logflood) | ${r.written ? `${r.written.lines} in ${f(r.written.seconds)} s = ${f(r.written.lines / r.written.seconds)}/s (${f(r.written.bytes / 1048576)} MiB)` : 'n/a'} |`,
    `| lines the screen moved on by while following (/s) | ${f(r.viewLinesPerSecond)} |`,
    `| newest line: write → on screen (ms) | ${s(r.latencyMs)} |`,
    `| … of which the page's: last notice before the line was drawn → drawn (ms) | ${s(r.latencySplit?.pageLeg)} |`,
    `| gaps between notices while following (ms) | ${s(r.latencySplit?.noticeGaps)} |`,
    `| LogTail round trip while following (ms) | ${s(r.latencySplit?.tailRoundTrip)} |`,
    `| notices of the view | ${r.notices ?? 'n/a'} |`,
    `| script per notice, app accounting (notice + its windows), mean; p50 / p95 / max (ms) | ${r.noticeCostMs ? `${f(r.noticeCostMs.mean)}; ${s(r.noticeCostMs)}, ${r.noticeCostMs.windows} windows` : 'n/a'} |`,
    `| all the page's script (CDP ScriptDuration) / notices (ms) | ${f(r.scriptMsPerNotice)} |`,
    `| the page's main thread per notice while following (ms): all tasks / script / style / layout | ${r.mainThreadMsPerNotice ? ['Task', 'Script', 'RecalcStyle', 'Layout'].map((k) => f(r.mainThreadMsPerNotice?.[k])).join(' / ') : 'n/a'} |`,
    `| drag top → bottom while lines arrive | ${sc(r.scrollDuringFlood)} |`,
    `| … the page's main thread per frame of it (ms): all tasks / script / style / layout | ${r.mainThreadMsPerDragFrame ? ['Task', 'Script', 'RecalcStyle', 'Layout'].map((k) => f(r.mainThreadMsPerDragFrame?.[k])).join(' / ') : 'n/a'} |`,
    `| … the machine's cores by process during it | ${cores(r.cpuDuringDrag)} |`,
    `| drag top → bottom after | ${sc(r.scrollAfter)} |`,
    `| … the machine's cores by process during it | ${cores(r.cpuAfterDrag)} |`,
    `| JS heap after GC: ${r.linesAt1k ?? '?'} lines / ${r.linesAt1M ?? '?'} lines (MB) | ${f(r.heap1kMB)} / ${f(r.heap1MMB)} = ${f((r.heap1MMB ?? NaN) / (r.heap1kMB ?? NaN))}x |`,
  ];
  for (const n of r.notes) lines.push('', `Note: ${n}.`);
  return lines.join('\n');
}

describe('logs budgets', () => {
  let browser: Browser;

  beforeAll(async () => {
    expect(flood, 'CROWSNEST_LOGFLOOD (the logflood binary) is not set: run hack/bench-logs').not.toBe('');
    browser = await launch();
    results.chromium = browser.version();
  });

  afterAll(async () => {
    await browser?.close();
    writeFileSync(join(env.artifacts, 'bench-logs.json'), JSON.stringify(results, null, 2));
    const md = markdown();
    writeFileSync(join(env.artifacts, 'bench-logs.md'), md + '\n');
    console.log('\n' + md + '\n');
  });

  test(`a pod's log at ${rate} lines/s`, async () => {
    step('setting the pod up');
    await runFlood(['-rate', '0']);
    const app = await openApp(browser, { perf: true });
    const { page } = app;
    const cdp = await page.context().newCDPSession(page);
    await pickContext(page, 'demo-admin');
    await openKind(page, 'pods');
    await pickNamespace(page, NS);
    await typeInto(page, 'filter', POD);
    await waitForRows(page, (k) => k.includes(`${NS}/${POD}`), 'the flood pod listed');
    await page.locator(`[data-testid="row"][data-key="${NS}/${POD}"]`).click();
    await byId(page, 'details-tab-logs').click();
    await page.locator(`${logs} [data-testid="log-line"]`).first().waitFor({ timeout: 30_000 });

    step('opening the logs');
    results.openMs = await measureOpen(page, 7);
    await page.locator(`${logs} [data-testid="log-line"]`).first().waitFor();

    step('1,000 lines, heap');
    const before = await newestDrawn(page);
    await runFlood(['-rate', String(rate), '-lines', '1000']);
    await expect.poll(() => newestDrawn(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 1000);
    await page.waitForTimeout(1000);
    results.linesAt1k = await newestDrawn(page);
    results.heap1kMB = await heapMB(cdp);

    step(`${total} lines at ${rate}/s`);
    await cdp.send('Performance.enable');
    await page.evaluate(() => {
      const w = window as unknown as { __logNotices: number; runtime: { EventsOn: (n: string, cb: (n: { next: number }) => void) => void } };
      w.__logNotices = 0;
      const arrivals: [number, number][] = [];
      (w as unknown as { __arrivals: [number, number][] }).__arrivals = arrivals;
      w.runtime.EventsOn('logs:changed', (n: { next: number }) => {
        w.__logNotices++;
        arrivals.push([performance.timeOrigin + performance.now(), n.next]);
      });
    });
    // The bound calls the page makes while following, by method.
    await page.evaluate(() => {
      const app = (window as unknown as { go: { main: { App: Record<string, (...a: unknown[]) => unknown> } } }).go.main.App;
      const calls: Record<string, number> = {};
      const tails: number[] = [];
      (window as unknown as { __logCalls: Record<string, number> }).__logCalls = calls;
      (window as unknown as { __tailMs: number[] }).__tailMs = tails;
      for (const m of ['LogLines', 'LogTail', 'LogStatus']) {
        const f = app[m]!;
        app[m] = (...a: unknown[]) => {
          calls[m] = (calls[m] ?? 0) + 1;
          const t0 = performance.now();
          const p = f(...a) as Promise<unknown>;
          if (m === 'LogTail') void p.finally(() => tails.push(performance.now() - t0));
          return p;
        };
      }
    });
    const seconds = total / rate;
    const flooding = runFlood(['-rate', String(rate), '-lines', String(total), '-duration', `${Math.ceil(seconds * 3)}s`]);
    await page.waitForTimeout(2000);
    // Following: the newest line's time to the screen, and what notices cost.
    await watchNewest(page);
    const t0 = await page.evaluate(() => performance.now());
    const script0 = await metric(cdp, 'ScriptDuration');
    const work0 = await mainThread(cdp);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const tracingFollow = profile ? await startTrace(page, 'following') : undefined;
    await page.waitForTimeout(Math.min(30_000, Math.max(5_000, (seconds - 12) * 1000)));
    if (tracingFollow) await tracingFollow();
    if (profile) {
      const { profile: p } = await cdp.send('Profiler.stop');
      writeFileSync(join(env.artifacts, 'bench-logs-following.cpuprofile'), JSON.stringify(p));
    }
    const script1 = await metric(cdp, 'ScriptDuration');
    const work1 = await mainThread(cdp);
    const t1 = await page.evaluate(() => performance.now());
    const { lat, newest, frames, drawn } = await stopWatching(page);
    await shot(page, 'bench-logs-following');
    if (await page.locator(`${logs} [data-testid="logs-jump"]`).count())
      results.notes.push('the view stopped following by itself during the flood (nothing scrolled it): "Jump to latest" was shown');
    const notices = await page.evaluate(() => (window as unknown as { __logNotices: number }).__logNotices);
    // Lines the screen moved on by, per second, from the first newest line timed to the last.
    const [a, b] = [newest[0], newest[newest.length - 1]];
    results.viewLinesPerSecond = a && b && b[0] > a[0] ? ((b[1] - a[1]) * 1000) / (b[0] - a[0]) : NaN;
    results.notes.push(`the newest line on screen changed in ${newest.length} of ${frames} frames (${Math.round((frames * 1000) / (t1 - t0))} fps) over ${Math.round((t1 - t0) / 1000)} s of following`);
    results.latencyMs = stats(lat);
    const costs = await page.evaluate(() => window.__crowsnestPerf?.costs ?? []);
    const byVersion = new Map<number, number>();
    let windows = 0;
    for (const c of costs) if (c.what === 'log-notice' && c.at >= t0 && c.at <= t1) byVersion.set(c.version, 0);
    for (const c of costs) {
      if (!(c.what === 'log-notice' || c.what === 'log-window') || !byVersion.has(c.version)) continue;
      byVersion.set(c.version, byVersion.get(c.version)! + c.ms);
      if (c.what === 'log-window') windows++;
    }
    const per = [...byVersion.values()];
    results.notices = per.length;
    results.noticeCostMs = { ...stats(per), mean: per.reduce((a, x) => a + x, 0) / Math.max(1, per.length), windows };
    results.scriptMsPerNotice = ((script1 - script0) * 1000) / Math.max(1, per.length);
    results.mainThreadMsPerNotice = Object.fromEntries(
      Object.entries(work1).map(([k, v]) => [k, ((v - (work0[k] ?? 0)) * 1000) / Math.max(1, per.length)]),
    );
    results.notes.push(`logs:changed events received by the page over the run: ${notices}`);
    // Where the newest line's time went: the page's leg is from the last
    // notice that reached it before the line was drawn (its tail's round
    // trip and the render); the rest is the backend's and the event's. The
    // gaps between notices show whether they came as often as allowed (10/s).
    const { arrivals, tailMs } = await page.evaluate(() => {
      const x = window as unknown as { __arrivals: [number, number][]; __tailMs: number[] };
      return { arrivals: x.__arrivals, tailMs: x.__tailMs };
    });
    const pageLeg: number[] = [];
    for (const [, , shown] of drawn) {
      const before = arrivals.filter(([at]) => at <= shown);
      const last = before[before.length - 1];
      if (last) pageLeg.push(shown - last[0]);
    }
    const gaps = arrivals.slice(1).map(([at], i) => at - arrivals[i]![0]);
    results.latencySplit = { pageLeg: stats(pageLeg), noticeGaps: stats(gaps), tailRoundTrip: stats(tailMs) };
    const calls = await page.evaluate(() => (window as unknown as { __logCalls: Record<string, number> }).__logCalls);
    results.notes.push(`bound calls while following: ${JSON.stringify(calls)}`);

    step('scrolling while lines arrive');
    const drag0 = await mainThread(cdp);
    const dragCPU = cpuShare();
    if (profile) await cdp.send('Profiler.start');
    const tracing = profile ? await startTrace(page, 'drag') : undefined;
    results.scrollDuringFlood = await measureScroll(page, 5);
    if (tracing) await tracing();
    if (profile) {
      const { profile: p } = await cdp.send('Profiler.stop');
      writeFileSync(join(env.artifacts, 'bench-logs-drag.cpuprofile'), JSON.stringify(p));
    }
    const drag1 = await mainThread(cdp);
    results.cpuDuringDrag = dragCPU();
    results.mainThreadMsPerDragFrame = Object.fromEntries(
      Object.entries(drag1).map(([k, v]) => [k, ((v - (drag0[k] ?? 0)) * 1000) / Math.max(1, results.scrollDuringFlood!.frames)]),
    );
    await shot(page, 'bench-logs-scrolling');
    await jumpToLatest(page);

    const written = await flooding;
    results.written = { lines: Number(written.lines), seconds: Number(written.seconds), bytes: Number(written.bytes) };
    step(`written ${written.lines} lines in ${written.seconds} s; waiting for the view to catch up`);
    const want = results.linesAt1k + total;
    // The view should be following again; if it paused itself, say so and jump.
    const deadline = Date.now() + 3 * 60_000;
    let jumps = 0;
    while ((await newestDrawn(page)) < want && Date.now() < deadline) {
      if (await page.locator(`${logs} [data-testid="logs-jump"]`).count()) {
        jumps++;
        await jumpToLatest(page);
      }
      await page.waitForTimeout(1000);
    }
    if (jumps > 0) results.notes.push(`after the drag and a jump to the latest, the view paused following by itself ${jumps} time(s) while catching up`);
    if ((await newestDrawn(page)) < want) results.notes.push(`the view had not shown line ${want} three minutes after the writer stopped`);
    await page.waitForTimeout(2000);
    results.linesAt1M = await newestDrawn(page);
    results.heap1MMB = await heapMB(cdp);
    await shot(page, 'bench-logs-after');

    step('scrolling after');
    const afterCPU = cpuShare();
    results.scrollAfter = await measureScroll(page, 5);
    results.cpuAfterDrag = afterCPU();
    await jumpToLatest(page);
    step('done');
    await page.context().close();
    expect(results.latencyMs.n, 'no newest line timed').toBeGreaterThan(0);
  });
});
