// Everything from a cluster or a kubeconfig is text. These tests push
// hostile strings through every field the explorer shows and check that no
// element was parsed out of them, no handler ran, and the text is shown as is.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import type { ContextInfo, Row } from './api';
import { details, fake, logLine, row, status } from './test/fakeBackend';
import { KINDS } from './test/kindsFixture';

vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  const { fake } = await import('./test/fakeBackend');
  return { ...real, api: fake.api };
});

const PAYLOADS = [
  '<img src=x onerror="window.pwned=1">',
  '</script><script>window.pwned=2</script>',
  'javascript:window.pwned=3',
  '"><svg onload="window.pwned=4"></svg>',
  '<a href="javascript:window.pwned=5">click</a>',
  '<iframe src="javascript:window.pwned=6"></iframe>',
  '<style>*{display:none}</style><b onmouseover="window.pwned=7">bold</b>',
];

const hostileRow = (p: string, i: number): Row =>
  row(
    p,
    { key: `ns${i}/${p}`, namespace: `ns${i}`, status: p, images: [p], labels: { [p]: p, app: p } },
    { ready: p, restarts: p, ip: p, node: p },
  );

function assertInert(root: ParentNode = document.body) {
  expect(root.querySelector('img, script, svg, iframe, object, embed, style, b, a[href]')).toBeNull();
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
    const href = el.getAttribute('href') ?? el.getAttribute('src');
    if (href) expect(href.toLowerCase()).not.toContain('javascript:');
  }
  expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
}

/** shown checks the payload appears literally somewhere in the document's text. */
function shown(p: string) {
  expect(document.body.textContent).toContain(p);
}

describe('cluster data is rendered as text', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('in table rows, the context picker, the status bar and the palette', async () => {
    const hostileContexts: ContextInfo[] = PAYLOADS.map((p, i) => ({
      name: p + i, cluster: p, server: p, user: p, namespace: '', current: false, valid: i % 2 === 0,
      problems: [p], execCommand: p, file: p,
    }));
    fake.api.contexts.mockResolvedValue(hostileContexts);
    fake.api.namespaces.mockResolvedValue(PAYLOADS);
    fake.b.rows = PAYLOADS.map(hostileRow);
    fake.b.status = status({ context: PAYLOADS[0]!, server: PAYLOADS[1], kinds: [{ kind: 'pods', state: 'error', error: PAYLOADS[2], count: 1 }] });
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(PAYLOADS.length));
    for (const p of PAYLOADS) shown(p);
    assertInert();

    fireEvent.click(screen.getByTestId('context-picker'));
    expect(screen.getAllByTestId('context-item')).toHaveLength(PAYLOADS.length);
    PAYLOADS.forEach((p, i) => shown(p + i));
    assertInert();
    fireEvent.click(screen.getByTestId('context-picker'));

    fireEvent.click(screen.getByTestId('namespace-picker'));
    await waitFor(() => expect(screen.getAllByTestId('namespace-item').length).toBe(PAYLOADS.length + 1));
    fireEvent.change(screen.getByTestId('namespace-search'), { target: { value: '<img' } });
    assertInert();
    fireEvent.click(screen.getByTestId('namespace-picker'));

    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'script' } });
    expect(screen.getAllByTestId('palette-item').length).toBeGreaterThan(0);
    assertInert();
  });

  it('in kinds learnt from the cluster: navigation, headers, details, palette', async () => {
    const evil = PAYLOADS.map((p, i) => ({
      id: `evil${i}.${i}.evil.io`, kind: p, label: p, nav: 'Custom resources', apiGroup: `${i}${p}`, version: 'v1', resource: `evil${i}`,
      namespaced: true, custom: true, shortNames: [p], unavailable: i === 1 ? p : undefined,
      columns: [{ id: 'name', title: 'Name', type: 'text' }, { id: 'x', title: p, type: 'text', description: p }, { id: 'y', title: p + i, type: 'text', priority: 1 }],
    }));
    fake.b.kinds = [...KINDS, ...evil];
    fake.b.rows = [row('web-1')];
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(1));
    for (const k of evil) fireEvent.click(screen.getByTestId('nav-apigroup-' + k.apiGroup));
    for (const k of evil) shown(k.label);
    assertInert();
    const k0 = evil[0]!;
    const cr = row('cr-1', { kind: k0.id, cells: ['cr-1', PAYLOADS[3]!, PAYLOADS[4]!] });
    fake.b.rows = [cr];
    fake.b.details = details(cr, { summary: [{ label: PAYLOADS[5]!, value: PAYLOADS[6]! }] });
    fireEvent.click(screen.getByTestId('nav-' + k0.id));
    await waitFor(() => expect(screen.getAllByTestId('row').map((r) => r.getAttribute('data-key'))).toEqual(['shop/cr-1']));
    expect(screen.getByTestId('sort-x').textContent).toBe(k0.columns[1]!.title);
    shown(PAYLOADS[3]!);
    assertInert();
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    await waitFor(() => expect(screen.getByTestId('details-facts').textContent).toContain(PAYLOADS[4]));
    assertInert();
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'evil' } });
    expect(screen.getAllByTestId('palette-item').length).toBeGreaterThan(0);
    assertInert();
  });

  it('in every part of the details panel, including events', async () => {
    fake.b.rows = [row('web-1')];
    const p0 = PAYLOADS[0]!;
    fake.b.details = {
      row: hostileRow(p0, 0),
      annotations: Object.fromEntries(PAYLOADS.map((p, i) => [p + i, p])),
      summary: PAYLOADS.map((p) => ({ label: p, value: p })),
      conditions: PAYLOADS.map((p) => ({ type: p, status: 'False', reason: p, message: p })),
      containers: PAYLOADS.map((p, i) => ({ name: p + i, image: p, ready: false, state: p, ports: [p] })),
      tables: PAYLOADS.map((p) => ({ title: p, columns: [p, p], rows: [[p, p]] })),
      events: PAYLOADS.map((p) => ({ type: 'Warning', reason: p, message: p, count: 2, lastSeen: 0, source: p })),
      related: PAYLOADS.map((p, i) => ({ ...hostileRow(p, i), kind: 'replicasets' })),
    };
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(1));
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    await waitFor(() => expect(screen.getAllByTestId('related-link')).toHaveLength(PAYLOADS.length));
    for (const p of PAYLOADS) shown(p);
    assertInert();
    fireEvent.click(screen.getByTestId('details-tab-events'));
    for (const p of PAYLOADS) shown(p);
    assertInert();
  });

  it('in session errors and selector errors', async () => {
    fake.b.rows = [row('web-1')];
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(1));
    fake.b.badSelector = PAYLOADS[0]!;
    fireEvent.change(screen.getByTestId('selector'), { target: { value: PAYLOADS[0] } });
    fireEvent.keyDown(screen.getByTestId('selector'), { key: 'Enter' });
    expect((await screen.findByTestId('selector-error')).textContent).toContain(PAYLOADS[0]);
    assertInert();
    act(() => fake.emitStatus(status({ generation: 2, context: PAYLOADS[1]!, phase: 'error', message: PAYLOADS[3]!, server: PAYLOADS[4] })));
    expect(screen.getByTestId('session-error').textContent).toContain(PAYLOADS[3]);
    shown(PAYLOADS[1]!);
    assertInert();
  });

  it('in the YAML view', async () => {
    fake.b.rows = [row('web-1')];
    const yaml = PAYLOADS.map((p, i) => `k${i}: '${p}'`).join('\n');
    fake.api.fetchYAML.mockResolvedValue(yaml);
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(1));
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    const content = await waitFor(() => {
      const el = screen.getByTestId('yaml').querySelector('.cm-content');
      expect(el).not.toBeNull();
      return el!;
    });
    await waitFor(() => expect(content.textContent).toContain(PAYLOADS[0]));
    for (const p of PAYLOADS) expect(content.textContent).toContain(p);
    expect(fake.api.fetchYAML).toHaveBeenCalledWith(1, 'pods', 'shop', 'web-1', expect.anything());
    assertInert(screen.getByTestId('yaml'));
  });

  it('in log lines: text, ANSI spans, pod and container tags, JSON, source states and search', async () => {
    fake.b.rows = [row('web-1')];
    fake.setLog(
      PAYLOADS.flatMap((p, i) => [
        logLine(2 * i + 1, p, p, p),
        {
          ...logLine(2 * i + 2, '', p, p, { json: true }),
          // Styles from a hostile stream: colours that are not colours are dropped, the text stays text.
          spans: [{ text: `{"msg":${JSON.stringify(p)}}`, fg: p, bg: 'url(javascript:window.pwned=9)', bold: true }, { text: p, fg: '1' }],
        },
      ]),
    );
    fake.b.logSources = [{ pod: PAYLOADS[0]!, container: PAYLOADS[1]!, state: 'error', message: PAYLOADS[2] }];
    fake.b.logExtra = { notice: PAYLOADS[3], waiting: PAYLOADS };
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('row')).toHaveLength(1));
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    fireEvent.click(await screen.findByTestId('details-tab-logs'));
    await waitFor(() => expect(screen.getAllByTestId('log-line')).toHaveLength(2 * PAYLOADS.length));
    fireEvent.click(screen.getByTestId('logs-json')); // every JSON line pretty-printed
    fireEvent.click(screen.getByTestId('logs-search-open'));
    fireEvent.change(await screen.findByTestId('logs-search'), { target: { value: '<' } });
    await waitFor(() => expect(document.querySelectorAll('mark.log-match').length).toBeGreaterThan(0));
    const logs = screen.getByTestId('logs');
    for (const p of PAYLOADS) expect(logs.textContent).toContain(p);
    for (const el of logs.querySelectorAll<HTMLElement>('[style]')) expect(el.getAttribute('style')).not.toContain('javascript');
    assertInert(logs);
  });
});
