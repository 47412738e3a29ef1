import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, logLine } from '../test/fakeBackend';
import { LogViewer, tagText, type LogSubject } from './LogViewer';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const pod: LogSubject = { kind: 'pods', namespace: 'shop', name: 'web-0', containers: [{ name: 'app', image: 'x', ready: true }, { name: 'init-db', image: 'y', ready: true, init: true }] };
const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => logLine(from + i, `line ${from + i}`));
const shown = () => screen.queryAllByTestId('log-line').map((l) => l.textContent);
const scroller = () => screen.getByTestId('logs-scroller');

/** layout gives the scroller the height its rows would have (jsdom lays nothing out). */
function layout(rows: () => number) {
  Object.defineProperty(scroller(), 'scrollHeight', { configurable: true, get: () => rows() * 20 });
}

// As in a browser, setting scrollTop fires a scroll event (jsdom fires none).
const scrollTops = new WeakMap<Element, number>();
let clamp = false;
const realScrollTop = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop')!;
beforeAll(() => {
  Object.defineProperty(Element.prototype, 'scrollTop', {
    configurable: true,
    get(this: Element) {
      // Clamped to the content, as a browser does when the content shrinks
      // (tests that ask for it).
      const v = scrollTops.get(this) ?? 0;
      return clamp && this.scrollHeight > 0 ? Math.min(v, Math.max(0, this.scrollHeight - this.clientHeight)) : v;
    },
    set(this: Element, v: number) {
      if (scrollTops.get(this) === v) return;
      scrollTops.set(this, v);
      queueMicrotask(() => this.dispatchEvent(new Event('scroll')));
    },
  });
});
afterAll(() => Object.defineProperty(Element.prototype, 'scrollTop', realScrollTop));

describe('LogViewer', () => {
  beforeEach(() => fake.reset());
  afterEach(() => {
    cleanup();
    clamp = false;
  });

  it('opens the view, shows the last lines following, and closes it when it goes', async () => {
    fake.setLog(lines(1000));
    const { unmount } = render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 1000'));
    expect(fake.api.openLogs).toHaveBeenCalledWith(expect.objectContaining({ kind: 'pods', namespace: 'shop', name: 'web-0', follow: true, tailLines: 500, containers: [] }));
    // Windowed: only the lines near the viewport were read and drawn.
    expect(shown().length).toBeLessThan(100);
    expect(screen.queryAllByTestId('log-tag')).toHaveLength(0); // one pod: no tags
    unmount();
    expect(fake.api.closeLogs).toHaveBeenCalledWith('l1');
  });

  it('sticks to the bottom as lines arrive; scrolling up pauses and offers the latest with a count', async () => {
    fake.setLog(lines(100));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 100'));
    layout(() => fake.b.log.length);
    act(() => fake.appendLog(['fresh 101']));
    await waitFor(() => expect(shown()).toContain('fresh 101'));
    expect(scroller().scrollTop).toBeGreaterThanOrEqual(101 * 20); // the bottom
    // The user scrolls up.
    act(() => {
      scroller().scrollTop = 400;
      fireEvent.scroll(scroller());
    });
    act(() => fake.appendLog(['a', 'b', 'c']));
    await waitFor(() => expect(screen.getByTestId('logs-jump').textContent).toBe('Jump to latest (3 new)'));
    expect(scroller().scrollTop).toBe(400); // not pulled down
    fireEvent.click(screen.getByTestId('logs-jump'));
    await waitFor(() => expect(screen.queryByTestId('logs-jump')).toBeNull());
    await waitFor(() => expect(shown()).toContain('c'));
  });

  it('keeps following when lines fall out of the ring and the content shrinks under the bottom', async () => {
    clamp = true;
    fake.setLog(lines(100));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 100'));
    layout(() => fake.b.log.length);
    act(() => fake.appendLog(['fresh 101']));
    await waitFor(() => expect(shown()).toContain('fresh 101'));
    // The ring drops lines before the notice of new ones (a window or the
    // status told of a later first line): fewer rows, the browser clamps
    // the scroll position to the new bottom. That is not the user scrolling up.
    act(() => fake.dropLog(30));
    await waitFor(() => expect(screen.getByTestId('logs-dropped').textContent).toBe('30 lines dropped'));
    act(() => fake.appendLog(['fresh 102']));
    await waitFor(() => expect(shown()).toContain('fresh 102'));
    expect(screen.queryByTestId('logs-jump')).toBeNull();
  });

  it('paused, keeps the lines on screen where they are while older ones fall out of the ring', async () => {
    fake.setLog(lines(70_000));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 70000'));
    layout(() => fake.b.log.length);
    act(() => {
      scroller().scrollTop = 400; // row 20: line 21
      fireEvent.scroll(scroller());
    });
    await waitFor(() => expect(shown()).toContain('line 21'));
    const before = shown();
    act(() => fake.dropLog(10));
    await waitFor(() => expect(screen.getByTestId('logs-dropped').textContent).toBe('10 lines dropped'));
    // Nothing moved: the rows of the lines that fell out say so.
    expect(scroller().scrollTop).toBe(400);
    expect(shown()).toEqual(before.filter((t) => Number(t?.split(' ')[1]) > 10));
    expect(screen.getAllByTestId('log-gone')).toHaveLength(10);
    // Past REBASE such rows, they go, and the scroll position moves up with them.
    act(() => fake.dropLog(59_990));
    await waitFor(() => expect(shown()).toContain('line 60001'));
    expect(screen.queryAllByTestId('log-gone')).toHaveLength(0);
    expect(scroller().scrollTop).toBe(0);
    expect(screen.getByTestId('logs-jump')).toBeTruthy(); // still paused
  });

  it('asks for no lines while a drag flies past them, and for those where it stops', async () => {
    fake.setLog(lines(50_000));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 50000'));
    layout(() => fake.b.log.length);
    vi.mocked(fake.api.logLines).mockClear();
    // Each step moves the rows drawn by far more than a screenful.
    for (const top of [100_000, 200_000, 300_000, 400_000]) {
      act(() => {
        scroller().scrollTop = top;
        fireEvent.scroll(scroller());
      });
    }
    await waitFor(() => expect(shown()).toContain('line 20001')); // row 20,000: where it stopped
    const asked = vi.mocked(fake.api.logLines).mock.calls.map((c) => c[1]);
    expect(asked.every((from) => from >= 20_001 - 40)).toBe(true); // nothing for the rows flown past
  });

  it('End and Home jump to the latest and the first line', async () => {
    fake.setLog(lines(5000));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 5000'));
    layout(() => fake.b.log.length);
    fireEvent.keyDown(scroller(), { key: 'Home' });
    fireEvent.scroll(scroller());
    await waitFor(() => expect(shown()).toContain('line 1'));
    expect(screen.getByTestId('logs-jump')).toBeTruthy();
    fireEvent.keyDown(scroller(), { key: 'End' });
    fireEvent.scroll(scroller());
    await waitFor(() => expect(shown()).toContain('line 5000'));
  });

  it('f pauses following at the line on screen and f again catches up', async () => {
    fake.setLog(lines(100));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 100'));
    layout(() => fake.b.log.length);
    fireEvent.keyDown(scroller(), { key: 'f' });
    act(() => fake.appendLog(['x', 'y']));
    await waitFor(() => expect(screen.getByTestId('logs-jump').textContent).toBe('Jump to latest (2 new)'));
    expect(fake.api.openLogs).toHaveBeenCalledTimes(1); // the stream goes on; only the view stops
    fireEvent.keyDown(scroller(), { key: 'f' });
    await waitFor(() => expect(screen.queryByTestId('logs-jump')).toBeNull());
    await waitFor(() => expect(shown()).toContain('y'));
  });
  it('says how many lines fell out of the buffer', async () => {
    fake.setLog(lines(10));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 10'));
    act(() => fake.dropLog(4));
    await waitFor(() => expect(screen.getByTestId('logs-dropped').textContent).toBe('4 lines dropped'));
    expect(shown()).not.toContain('line 1');
  });

  it('searches with Ctrl+F: counts matches in Go, highlights them, Enter and Shift+Enter move between them', async () => {
    fake.setLog(lines(50).map((l) => (l.seq % 10 === 0 ? logLine(l.seq, `ERROR at ${l.seq}`) : l)));
    render(<LogViewer subject={{ ...pod, containers: [] }} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 49'));
    fireEvent.keyDown(scroller(), { key: 'f', ctrlKey: true });
    const input = await screen.findByTestId('logs-search');
    fireEvent.change(input, { target: { value: 'error' } });
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('5 matches'));
    expect(fake.api.logSearch).toHaveBeenCalledWith('l1', { text: 'error', regexp: false, caseSensitive: false }, 1, expect.any(Number), false);
    await waitFor(() => expect(document.querySelectorAll('mark.log-match').length).toBeGreaterThan(0));
    expect(document.querySelector('mark.log-match')?.textContent).toBe('ERROR');
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toMatch(/^\d of 5 matches$/));
    const first = document.querySelector('.log-line.current')?.getAttribute('data-seq');
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    await waitFor(() => expect(document.querySelector('.log-line.current')?.getAttribute('data-seq')).not.toBe(first));
    // Case-sensitive: the lower-case query matches nothing.
    fireEvent.click(screen.getByTestId('logs-case'));
    await waitFor(() => expect(screen.getByTestId('logs-match-count').textContent).toBe('0 matches'));
    // Esc closes the search.
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('logs-search')).toBeNull();
  });

  it('filters to the matching lines in Go', async () => {
    fake.setLog(lines(300).map((l) => (l.seq % 100 === 0 ? logLine(l.seq, `panic ${l.seq}`) : l)));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 299'));
    fireEvent.click(screen.getByTestId('logs-search-open'));
    fireEvent.change(await screen.findByTestId('logs-search'), { target: { value: 'pan.c \\d+' } });
    fireEvent.click(screen.getByTestId('logs-regexp'));
    fireEvent.click(screen.getByTestId('logs-filter'));
    await waitFor(() => expect(shown()).toEqual(['panic 100', 'panic 200', 'panic 300']));
    expect(fake.api.logFilterLines).toHaveBeenCalledWith('l1', { text: 'pan.c \\d+', regexp: true, caseSensitive: false }, 1, expect.any(Number));
  });

  it('re-opens the view when an option changes, and loads earlier lines with a bigger tail', async () => {
    fake.setLog(lines(10));
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toContain('line 10'));
    fireEvent.click(screen.getByTestId('logs-previous'));
    await waitFor(() => expect(fake.api.openLogs).toHaveBeenLastCalledWith(expect.objectContaining({ previous: true })));
    expect(fake.api.closeLogs).toHaveBeenCalledWith('l1');
    fireEvent.change(screen.getByTestId('logs-container'), { target: { value: 'init-db' } });
    await waitFor(() => expect(fake.api.openLogs).toHaveBeenLastCalledWith(expect.objectContaining({ containers: ['init-db'], previous: true })));
    fireEvent.change(screen.getByTestId('logs-since'), { target: { value: '3600' } });
    await waitFor(() => expect(fake.api.openLogs).toHaveBeenLastCalledWith(expect.objectContaining({ sinceSeconds: 3600 })));
    fireEvent.click(screen.getByTestId('logs-earlier'));
    await waitFor(() => expect(fake.api.openLogs).toHaveBeenLastCalledWith(expect.objectContaining({ tailLines: 2000 })));
    expect(fake.b.logViews.size).toBe(1); // every earlier view was closed
    // Timestamps and wrap only change how lines look.
    const opened = fake.api.openLogs.mock.calls.length;
    fireEvent.click(screen.getByTestId('logs-timestamps'));
    fireEvent.click(screen.getByTestId('logs-wrap'));
    await waitFor(() => expect(document.querySelector('.log-time')).not.toBeNull());
    expect(fake.api.openLogs.mock.calls.length).toBe(opened);
  });

  it('shows why instead of a viewer when the user may not read logs', async () => {
    fake.api.canReadLogs.mockResolvedValue({ allowed: false, reason: 'cannot get pods/log in shop' });
    render(<LogViewer subject={pod} generation={1} />);
    expect((await screen.findByTestId('logs-denied')).textContent).toContain('cannot get pods/log in shop');
    expect(fake.api.openLogs).not.toHaveBeenCalled();
  });

  it('tags the lines of a workload with their pod, in a stable colour, and each source with its state', async () => {
    fake.setLog([logLine(1, 'from a', 'web-a', 'app'), logLine(2, 'from b', 'web-b', 'app'), logLine(3, 'again a', 'web-a', 'app')]);
    fake.b.logSources = [
      { pod: 'web-a', container: 'app', state: 'streaming' },
      { pod: 'web-b', container: 'app', state: 'error', message: 'container "app" in pod "web-b" is waiting to start' },
    ];
    fake.b.logExtra = { pods: 25, waiting: ['web-x'], notice: '25 pods match; 20 are streamed at once' };
    render(<LogViewer subject={{ kind: 'deployments', namespace: 'shop', name: 'web' }} generation={1} />);
    await waitFor(() => expect(shown()).toHaveLength(3));
    const tags = screen.getAllByTestId('log-tag');
    expect(tags.map((t) => t.textContent)).toEqual(['a/app', 'b/app', 'a/app']); // the workload's name is not repeated
    expect(tags[0]!.title).toBe('web-a/app');
    expect(tags[0]!.style.getPropertyValue('--tag-hue')).toBe(tags[2]!.style.getPropertyValue('--tag-hue'));
    expect(tags[0]!.style.getPropertyValue('--tag-hue')).not.toBe(tags[1]!.style.getPropertyValue('--tag-hue'));
    const sources = screen.getAllByTestId('log-source');
    expect(sources.map((s) => s.dataset.state)).toEqual(['streaming', 'error']);
    expect(sources[1]!.textContent).toContain('is waiting to start');
    expect(screen.getByTestId('logs-notice').textContent).toBe('25 pods match; 20 are streamed at once');
  });

  it('tags lines short: a pod by container, a Deployment\'s pods by their own suffix', () => {
    expect(tagText(pod, 'web-0', 'app')).toBe('app');
    const deploy = { kind: 'deployments', namespace: 'shop', name: 'storefront' };
    expect(tagText(deploy, 'storefront-546db6cbcf-7d8sf', 'envoy')).toBe('7d8sf/envoy');
    expect(tagText({ ...deploy, kind: 'statefulsets', name: 'redis' }, 'redis-0', 'redis')).toBe('0/redis');
    expect(tagText({ ...deploy, kind: 'services', name: 'checkout' }, 'checkout-api-7f-abcde', 'app')).toBe('checkout-api-7f-abcde/app');
  });

  it('pretty-prints a JSON line on demand', async () => {
    fake.setLog([logLine(1, '{"level":"info","msg":"hi"}', 'web-0', 'app', { json: true })]);
    render(<LogViewer subject={pod} generation={1} />);
    await waitFor(() => expect(shown()).toHaveLength(1));
    fireEvent.click(screen.getByTitle('Pretty-print JSON'));
    expect(document.querySelector('.log-pretty')?.textContent).toBe('{\n  "level": "info",\n  "msg": "hi"\n}');
    expect(screen.getByTestId('log-line').classList.contains('expanded')).toBe(true); // grows to show it all
  });

  it('downloads through Go with progress and cancel', async () => {
    render(<LogViewer subject={pod} generation={1} />);
    fireEvent.click(await screen.findByTestId('logs-download'));
    await waitFor(() => expect(fake.api.downloadLogs).toHaveBeenCalledWith('pods', 'shop', 'web-0', '', false, false));
    act(() => fake.download({ id: 'd1', path: '/tmp/x.log', written: 2048 }));
    await waitFor(() => expect(screen.getByTestId('logs-download-state').textContent).toContain('2.0 KB'));
    fireEvent.click(screen.getByTestId('logs-download-cancel'));
    expect(fake.api.cancelDownload).toHaveBeenCalledWith('d1');
    act(() => fake.download({ id: 'd1', path: '/tmp/x.log', written: 4096, done: true }));
    await waitFor(() => expect(screen.getByTestId('logs-download')).toBeTruthy());
  });

  it('saves the lines kept through Go; a workload has no whole-log download, a pod of two containers asks for one', async () => {
    fake.setLog(lines(10));
    const deployment: LogSubject = { kind: 'deployments', namespace: 'shop', name: 'web', containers: [{ name: 'app', image: 'x', ready: true }] };
    const { unmount } = render(<LogViewer subject={deployment} generation={1} />);
    await waitFor(() => expect(shown().some((t) => t?.endsWith('line 10'))).toBe(true)); // tagged with the pod
    expect(screen.queryByTestId('logs-download')).toBeNull();
    fireEvent.click(screen.getByTestId('logs-timestamps'));
    fireEvent.click(screen.getByTestId('logs-save'));
    await waitFor(() => expect(screen.getByTestId('logs-saved').textContent).toBe('Saved 42 lines'));
    expect(fake.api.saveLogLines).toHaveBeenCalledWith('l1', true);
    unmount();

    const two: LogSubject = { ...pod, containers: [{ name: 'app', image: 'x', ready: true }, { name: 'envoy', image: 'y', ready: true }] };
    render(<LogViewer subject={two} generation={1} />);
    const download = await screen.findByTestId('logs-download');
    expect((download as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('logs-container'), { target: { value: 'envoy' } });
    await waitFor(() => expect((screen.getByTestId('logs-download') as HTMLButtonElement).disabled).toBe(false));
  });
});
