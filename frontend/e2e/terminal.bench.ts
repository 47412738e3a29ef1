// The terminal budgets (issue 16), measured in Debian's Chromium against the
// real backend: a shell in a demo pod (kwok runs it on this machine, in the
// pod's working directory, with a TTY).
// - keystroke → echo: one character typed into xterm.js (a real key press),
//   from its keydown to the DOM renderer's row showing it (the renderer draws
//   in an animation frame, so that is the frame that shows it), many times;
// - `cat` of a 10 MiB file made in the pod's working directory: from the
//   Enter that runs it to the marker echoed after it on screen, the bytes
//   terminal:output carried meanwhile (and how many of the file's are
//   missing: none, since the page's acknowledgements pace the output), the page's frames
//   (requestAnimationFrame intervals), and the JavaScript heap after GC
//   before, after one cat and after a second (xterm's scrollback, 5,000
//   lines, is what should bound it: its scroll area's height in rows).
// Run by hack/bench-terminal (make bench-terminal); results go to
// $CROWSNEST_ARTIFACTS/bench-terminal.{json,md}. A benchmark reports
// numbers; it asserts only that it could measure them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { byId, env, launch, openApp, pickContext, pickNamespace, screenLines, selectRow, shot, typeInTerminal } from './harness';
import { heapMB, stats, type Stats } from './measure';

const samples = Number(process.env.CROWSNEST_BENCH_KEYS ?? 200);
const fileBytes = Number(process.env.CROWSNEST_BENCH_CAT_BYTES ?? 10 << 20);
/** The file's line, its newline included. */
const LINE = 'crowsnest terminal benchmark: the quick brown fox jumps over the lazy dog 0123456789\n';
const shown = '[data-testid="log-dock"] .dock-body:not([hidden]) [data-testid="terminal"]';


interface Cat {
  /** Enter → the marker after the output on screen (ms; else when it reached the page). */
  ms: number;
  /** Enter → the marker in terminal:output; Enter → on screen (NaN: never within a minute). */
  arrivedMs: number;
  shownMs: number;
  /** Characters terminal:output carried to the page (written to xterm), and how many of the file's (its TTY adds \r to each line) did not arrive. */
  delivered: number;
  missing: number;
  events: number;
  /** delivered / ms, MiB/s; and the file's size / ms (what the user waits for the whole of it). */
  deliveredMiBps: number;
  fileMiBps: number;
  fps: number;
  frames: number;
  p95FrameMs: number;
  maxFrameMs: number;
  /** Frames longer than 20 ms (below 50 fps). */
  longFrames: number;
}

interface Results {
  chromium: string;
  date: string;
  fileBytes: number;
  echoMs?: Stats;
  /** Keydown → the echo's terminal:output reaching the page (before xterm.js draws it). */
  echoEventMs?: Stats;
  cats: Cat[];
  heapBeforeMB?: number;
  heapAfterCatMB: number[];
  /** Lines xterm holds (its scroll area's height in rows), after each cat. */
  bufferLines: number[];
  notes: string[];
}

const results: Results = { chromium: '', date: new Date().toISOString(), fileBytes, cats: [], heapAfterCatMB: [], bufferLines: [], notes: [] };
const step = (what: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] bench-terminal: ${what}\n`);


/** The lines xterm's buffer holds: its scroll area's height over one row's. */
const bufferLines = (page: Page) =>
  page.evaluate((sel) => {
    const area = document.querySelector(`${sel} .xterm-scroll-area`) as HTMLElement | null;
    const row = document.querySelector(`${sel} .xterm-rows > div`) as HTMLElement | null;
    if (!area || !row || row.offsetHeight === 0) return NaN;
    return Math.round(area.offsetHeight / row.offsetHeight);
  }, shown);

/** Installs the echo probe: a keydown's time, and the first change of the rows that shows one more x. */
async function installEchoProbe(page: Page): Promise<void> {
  await page.evaluate((sel) => {
    const rows = document.querySelector(`${sel} .xterm-rows`)!;
    const count = () => ((rows.textContent ?? '').match(/x/g) ?? []).length;
    const w = window as unknown as {
      __echo: { want: number; t0: number; event: number; done: boolean; ms: number[]; eventMs: number[]; arm: () => void };
      runtime: { EventsOn: (n: string, cb: () => void) => () => void };
    };
    const probe = { want: 0, t0: 0, event: 0, done: true, ms: [] as number[], eventMs: [] as number[], arm: () => undefined as void };
    probe.arm = () => {
      probe.want = count() + 1;
      probe.t0 = 0;
      probe.event = 0;
      probe.done = false;
    };
    w.__echo = probe;
    // The first terminal:output after the key: the echo reaching the page, before xterm.js draws it.
    w.runtime.EventsOn('terminal:output', () => {
      if (!probe.done && probe.t0 > 0 && probe.event === 0) probe.event = performance.now();
    });
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'x' && !probe.done && probe.t0 === 0) probe.t0 = performance.now();
      },
      true,
    );
    new MutationObserver(() => {
      if (probe.done || probe.t0 === 0 || count() < probe.want) return;
      probe.ms.push(performance.now() - probe.t0);
      if (probe.event > 0) probe.eventMs.push(probe.event - probe.t0);
      probe.done = true;
    }).observe(rows, { subtree: true, childList: true, characterData: true });
  }, shown);
}

async function measureEcho(page: Page, n: number): Promise<{ onScreen: Stats; event: Stats }> {
  await installEchoProbe(page);
  for (let i = 0; i < n; i++) {
    // A fresh line now and then: the typed x's stay on one row.
    if (i % 40 === 0) {
      await page.keyboard.press('Control+U');
      await page.waitForFunction((sel) => !/x/.test(document.querySelector(`${sel} .xterm-rows`)?.textContent ?? ''), shown, { timeout: 15_000 });
    }
    await page.evaluate(() => (window as unknown as { __echo: { arm: () => void } }).__echo.arm());
    await page.keyboard.press('x');
    await page.waitForFunction(() => (window as unknown as { __echo: { done: boolean } }).__echo.done, undefined, { timeout: 15_000 });
  }
  await page.keyboard.press('Control+U');
  const { ms, eventMs } = await page.evaluate(() => (window as unknown as { __echo: { ms: number[]; eventMs: number[] } }).__echo);
  return { onScreen: stats(ms), event: stats(eventMs) };
}

interface CatProbe {
  on: boolean;
  delivered: number;
  events: number;
  frames: number[];
  t0: number;
  /** When the marker reached the page in terminal:output, and the last output's end (the marker may straddle two). */
  arrived: number;
  tail: string;
  marker: string;
}

/** Runs `cat` of the file with a marker after it, measuring what the page saw until the marker was on screen. */
async function measureCat(page: Page, file: string, marker: string): Promise<Cat> {
  await page.evaluate((marker) => {
    const w = window as unknown as {
      __cat: CatProbe;
      runtime: { EventsOn: (n: string, cb: (o: { data: string }) => void) => () => void };
    };
    const cat: CatProbe = { on: true, delivered: 0, events: 0, frames: [], t0: 0, arrived: 0, tail: '', marker };
    w.__cat = cat;
    w.runtime.EventsOn('terminal:output', (o) => {
      if (!cat.on || cat.t0 === 0) return;
      cat.events++;
      cat.delivered += o.data.length;
      cat.tail = (cat.tail + o.data).slice(-64);
      if (cat.arrived === 0 && cat.tail.includes(`\n${marker}\r`)) cat.arrived = performance.now();
    });
    document.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && cat.on && cat.t0 === 0) cat.t0 = performance.now();
      },
      true,
    );
    let last = 0;
    const frame = (ts: number) => {
      if (!cat.on) return;
      if (cat.t0 > 0 && last > 0) cat.frames.push(ts - last);
      last = ts;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, marker);
  // The quotes keep the command line from holding the marker.
  const half = Math.floor(marker.length / 2);
  // The file ends mid-line: the marker goes on a line of its own.
  await typeInTerminal(page, `cat ${file}; echo; echo "${marker.slice(0, half)}""${marker.slice(half)}"`);
  const onScreen = ([sel, m]: readonly [string, string]) =>
    Array.from(document.querySelectorAll(`${sel} .xterm-rows > div`)).some((e) => (e.textContent ?? '').trimEnd() === m);
  await page.waitForFunction(
    ([sel, m]) => (window as unknown as { __cat: CatProbe }).__cat.arrived > 0 || Array.from(document.querySelectorAll(`${sel} .xterm-rows > div`)).some((e) => (e.textContent ?? '').trimEnd() === m),
    [shown, marker] as const,
    { timeout: 5 * 60_000 },
  );
  let shownMs = NaN;
  try {
    await page.waitForFunction(onScreen, [shown, marker] as const, { timeout: 60_000, polling: 'raf' });
    shownMs = await page.evaluate(() => performance.now() - (window as unknown as { __cat: CatProbe }).__cat.t0);
  } catch {
    results.notes.push(`${marker}: the marker reached the page but was not on screen a minute later; the screen's last lines: ${JSON.stringify((await screenLines(page)).filter((l) => l !== '').slice(-3))}`);
    await shot(page, `bench-terminal-${marker}-missing`);
  }
  const r = await page.evaluate(() => {
    const c = (window as unknown as { __cat: CatProbe }).__cat;
    c.on = false;
    return { arrivedMs: c.arrived > 0 ? c.arrived - c.t0 : NaN, delivered: c.delivered, events: c.events, frames: c.frames };
  });
  const ms = Number.isFinite(shownMs) ? shownMs : r.arrivedMs;
  const sorted = [...r.frames].sort((a, b) => a - b);
  const total = r.frames.reduce((a, x) => a + x, 0);
  return {
    ms,
    arrivedMs: r.arrivedMs,
    shownMs,
    delivered: r.delivered,
    missing: Math.max(0, fileBytes + Math.floor(fileBytes / LINE.length) - r.delivered),
    events: r.events,
    deliveredMiBps: r.delivered / 1048576 / (ms / 1000),
    fileMiBps: fileBytes / 1048576 / (ms / 1000),
    fps: (r.frames.length * 1000) / Math.max(1, total),
    frames: r.frames.length,
    p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? NaN,
    maxFrameMs: sorted[sorted.length - 1] ?? NaN,
    longFrames: r.frames.filter((x) => x > 20).length,
  };
}

function markdown(): string {
  const f = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? Math.round(x * 10) / 10 : 'n/a');
  const r = results;
  const s = (x: Stats | undefined) => (x ? `${f(x.p50)} / ${f(x.p95)} / ${f(x.max)} (n=${x.n})` : 'n/a');
  const lines = [
    `Chromium ${r.chromium}, ${r.date}; file ${f(r.fileBytes / 1048576)} MiB.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| keystroke → echo on screen, p50 / p95 / max (ms) | ${s(r.echoMs)} |`,
    `| … of which keystroke → its terminal:output at the page, p50 / p95 / max (ms) | ${s(r.echoEventMs)} |`,
  ];
  r.cats.forEach((c, i) => {
    lines.push(
      `| cat ${i + 1}: Enter → marker reached the page / on screen (s); whole file per second (MiB/s) | ${f(c.arrivedMs / 1000)} / ${f(c.shownMs / 1000)}; ${f(c.fileMiBps)} |`,
      `| cat ${i + 1}: bytes reaching the terminal (MiB; MiB/s) / missing (MiB); events | ${f(c.delivered / 1048576)}; ${f(c.deliveredMiBps)} / ${f(c.missing / 1048576)}; ${c.events} |`,
      `| cat ${i + 1}: page frames: fps, p95 / max frame (ms), frames over 20 ms of all | ${f(c.fps)}, ${f(c.p95FrameMs)} / ${f(c.maxFrameMs)}, ${c.longFrames} of ${c.frames} |`,
    );
  });
  lines.push(
    `| JS heap after GC: before / after each cat (MB) | ${f(r.heapBeforeMB)} / ${r.heapAfterCatMB.map(f).join(' / ')} |`,
    `| lines in xterm's buffer after each cat (scrollback 5,000 + rows) | ${r.bufferLines.map(f).join(' / ')} |`,
  );
  for (const n of r.notes) lines.push('', `Note: ${n}.`);
  return lines.join('\n');
}

describe('terminal budgets', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
    results.chromium = browser.version();
  });

  afterAll(async () => {
    await browser?.close();
    writeFileSync(join(env.artifacts, 'bench-terminal.json'), JSON.stringify(results, null, 2));
    const md = markdown();
    writeFileSync(join(env.artifacts, 'bench-terminal.md'), md + '\n');
    console.log('\n' + md + '\n');
  });

  test('a shell in a demo pod', async () => {
    const app = await openApp(browser, { probe: false });
    const { page } = app;
    const cdp = await page.context().newCDPSession(page);
    await pickContext(page, 'demo-admin');
    await pickNamespace(page, 'shop');
    await selectRow(page, 'pods', 'storefront');
    const action = byId(page, 'details-terminal');
    await expect.poll(() => action.isEnabled(), { timeout: 10_000 }).toBe(true);
    await action.click();
    await page.locator(`${shown}[data-terminal-id]`).waitFor({ timeout: 20_000 });
    // The shell's prompt: something on screen.
    await expect.poll(async () => (await screenLines(page)).some((l) => l !== ''), { timeout: 15_000 }).toBe(true);

    step(`keystroke → echo, ${samples} keys`);
    const echo = await measureEcho(page, samples);
    results.echoMs = echo.onScreen;
    results.echoEventMs = echo.event;

    step(`making a ${fileBytes}-byte file in the pod's working directory`);
    const file = `crowsnest-bench-${Date.now().toString(36)}.txt`;
    await typeInTerminal(page, `yes '${LINE.slice(0, -1)}' | head -c ${fileBytes} > ${file}; echo "made ""it"`);
    await expect.poll(async () => (await screenLines(page)).includes('made it'), { timeout: 60_000 }).toBe(true);
    await typeInTerminal(page, 'clear');
    await page.waitForTimeout(1000);
    results.heapBeforeMB = await heapMB(cdp);

    for (const i of [1, 2]) {
      step(`cat ${i}`);
      results.cats.push(await measureCat(page, file, `END-OF-CAT-${i}`));
      await page.waitForTimeout(1000);
      results.heapAfterCatMB.push(await heapMB(cdp));
      results.bufferLines.push(await bufferLines(page));
      await shot(page, `bench-terminal-cat-${i}`);
    }
    await typeInTerminal(page, `rm -f ${file}`);
    step('done');
    await page.context().close();
    expect(results.echoMs.n, 'no echo timed').toBe(samples);
  });
});
