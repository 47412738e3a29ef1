import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Details } from '../api';
import { details, fake, row } from '../test/fakeBackend';
import { kindsById } from '../test/kindsFixture';
import { DetailsPanel, type Target } from './DetailsPanel';
import { writeMode } from '../writes/writeMode';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const target = { kind: 'pods', namespace: 'shop', name: 'web-1', key: 'shop/web-1' };
const now = Date.now();
const created = Math.floor(now / 1000) - 90;

function panel(t: Target = target, generation = 1, onClose = () => {}, onNavigate = () => {}) {
  return <DetailsPanel target={t} generation={generation} now={now} kinds={kindsById} onClose={onClose} onNavigate={onNavigate} />;
}

/** factsShown reads the overview's facts as label: value pairs. */
function factsShown(): [string, string][] {
  const dl = screen.getByTestId('details-facts');
  return Array.from(dl.querySelectorAll('dt')).map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']);
}

describe('DetailsPanel', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('shows facts, labels, annotations, conditions, containers, related objects and events', async () => {
    const rs = row('web-abc', { kind: 'replicasets', key: 'shop/web-abc', status: 'Ready' });
    fake.b.details = details(row('web-1', { created, labels: { app: 'web', tier: 'front' } }, { restarts: '2', ip: '10.1.2.3' }), {
      annotations: { 'example.com/owner': 'team-a' },
      summary: [{ label: 'Pod IP', value: '10.1.2.3' }, { label: 'Node', value: 'node-1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containers: [{ name: 'app', image: 'nginx:1.27', ready: true, state: 'Running', ports: ['80/TCP'] }],
      events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting', count: 3, lastSeen: Math.floor(now / 1000) - 30, source: 'kubelet' }],
      related: [rs],
    });
    const onNavigate = vi.fn();
    render(panel(target, 1, () => {}, onNavigate));
    const el = screen.getByTestId('details');
    expect(el.getAttribute('data-key')).toBe('shop/web-1');
    expect(el.querySelector('.details-kind')?.textContent).toBe('Pod');
    await screen.findByText('Pod IP');
    // The row's columns (a wide-only one too), then the summary; a label once.
    expect(factsShown()).toEqual([
      ['Age', '90s'], ['Ready', '1/1'], ['Status', 'Running'], ['Restarts', '2'], ['IP', '10.1.2.3'], ['Pod IP', '10.1.2.3'], ['Node', 'node-1'],
    ]);
    expect(el.textContent).toContain('tier=front');
    expect(el.textContent).toContain('example.com/owner');
    expect(el.textContent).toContain('nginx:1.27');
    expect(el.textContent).toContain('80/TCP');
    expect(el.textContent).toContain('Back-off restarting');
    expect(el.textContent).toContain('30s ago · ×3');
    const link = screen.getByTestId('related-link');
    expect(link.querySelector('.related-kind')?.textContent).toBe('ReplicaSet');
    expect(link.textContent).toContain('Ready');
    fireEvent.click(link);
    expect(onNavigate).toHaveBeenCalledWith(rs);
    fireEvent.click(screen.getByTestId('details-tab-events'));
    expect(screen.getByTestId('details-tab-events').textContent).toBe('Events (1)');
    expect(el.textContent).toContain('BackOff');
    expect(el.textContent).toContain('kubelet');
  });

  it('lists a custom resource\'s columns as facts, wide-only ones too, and its tables', async () => {
    const db = { kind: 'databases.data.crowsnest.io', namespace: 'shop', name: 'orders-db', key: 'shop/orders-db' };
    fake.b.details = details(
      row('orders-db', { kind: db.kind, created, status: 'True' }, { engine: 'postgres', version: '16.4', replicas: '3', storage: '20Gi', endpoint: 'orders-db.shop:5432' }),
      { tables: [{ title: 'Users', columns: ['Name', 'Roles'], rows: [['app', 'readWrite'], ['report', 'read']] }] },
    );
    render(panel(db));
    await screen.findByText('Endpoint');
    expect(factsShown()).toEqual([
      ['Age', '90s'], ['Engine', 'postgres'], ['Version', '16.4'], ['Replicas', '3'], ['Ready', 'True'], ['Storage', '20Gi'], ['Endpoint', 'orders-db.shop:5432'],
    ]);
    const table = screen.getByTestId('details-table');
    expect(Array.from(table.querySelectorAll('th')).map((th) => th.textContent)).toEqual(['Name', 'Roles']);
    expect(Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map((td) => td.textContent))).toEqual([
      ['app', 'readWrite'], ['report', 'read'],
    ]);
    expect(screen.getByText('Users')).toBeTruthy();
  });

  it('shows a Secret\'s keys and reveals one value only when asked, as text', async () => {
    const payload = '<img src=x onerror="window.__pwned=1">';
    fake.api.revealSecretValue.mockImplementation(async (_ns: string, _name: string, key: string) => ({ key, value: payload, base64: false }));
    fake.b.details = {
      row: row('db', { kind: 'secrets', key: 'shop/db' }),
      summary: [{ label: 'Type', value: 'Opaque' }],
      conditions: [],
      containers: [],
      events: [],
      related: [],
      secretKeys: [{ key: 'password', size: 14 }, { key: 'user', size: 5 }],
    };
    render(panel({ kind: 'secrets', namespace: 'shop', name: 'db', key: 'shop/db' }));
    const keys = await screen.findAllByTestId('secret-key');
    expect(keys.map((k) => k.getAttribute('data-key'))).toEqual(['password', 'user']);
    expect(screen.queryByTestId('secret-value')).toBeNull();
    expect(fake.api.revealSecretValue).not.toHaveBeenCalled();

    fireEvent.click(screen.getAllByTestId('secret-reveal')[0]!);
    const value = await screen.findByTestId('secret-value');
    expect(fake.api.revealSecretValue).toHaveBeenCalledWith('shop', 'db', 'password');
    expect(fake.api.revealSecretValue).toHaveBeenCalledTimes(1);
    expect(value.textContent).toContain(payload);
    expect(value.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();

    fireEvent.click(screen.getByTestId('secret-hide'));
    expect(screen.queryByTestId('secret-value')).toBeNull();
  });

  it('disables Reveal, with the reason, for a user who may not read Secrets', async () => {
    fake.api.can.mockImplementation(async () => ({ allowed: false, reason: 'your user may not get secrets in namespace shop' }));
    fake.b.details = {
      row: row('db', { kind: 'secrets', key: 'shop/db' }),
      summary: [], conditions: [], containers: [], events: [], related: [],
      secretKeys: [{ key: 'password', size: 14 }],
    };
    render(panel({ kind: 'secrets', namespace: 'shop', name: 'db', key: 'shop/db' }));
    const button = await screen.findByTestId('secret-reveal');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(true));
    expect(button.getAttribute('title')).toBe('your user may not get secrets in namespace shop');
    expect(fake.api.can).toHaveBeenCalledWith('get', 'secrets', 'shop');
  });

  it("offers a pod's terminal once create pods/exec is allowed, and says why not otherwise", async () => {
    const onTerminal = vi.fn();
    const { unmount } = render(<DetailsPanel target={target} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} onTerminal={onTerminal} />);
    const button = (await screen.findByTestId('details-terminal')) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    expect(onTerminal).toHaveBeenCalledWith({ kind: 'pods', namespace: 'shop', name: 'web-1' });
    expect(fake.api.canExec).toHaveBeenCalledWith('shop');
    unmount();

    fake.api.canExec.mockImplementation(async () => ({ allowed: false, reason: 'your user may not open terminals (create pods/exec) in namespace shop' }));
    render(<DetailsPanel target={target} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} onTerminal={onTerminal} />);
    const denied = await screen.findByTestId('details-terminal-denied');
    expect(denied.textContent).toBe('your user may not open terminals (create pods/exec) in namespace shop');
    expect((screen.getByTestId('details-terminal') as HTMLButtonElement).disabled).toBe(true);
  });

  it("offers a node's shell, with the context, and only on nodes", async () => {
    fake.api.canNodeShell.mockResolvedValue({ allowed: false, reason: 'Enable node shells for context demo-admin in Settings' });
    const onSettings = vi.fn();
    const node = { kind: 'nodes', namespace: '', name: 'node-1', key: 'node-1' };
    const { unmount } = render(<DetailsPanel target={node} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} onTerminal={() => {}} context="demo-admin" onSettings={onSettings} />);
    expect((await screen.findByTestId('details-node-shell-denied')).textContent).toContain('Enable node shells for context demo-admin in Settings');
    expect((screen.getByTestId('details-node-shell') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId('details-terminal')).toBeNull();
    fireEvent.click(screen.getByTestId('details-node-shell-settings'));
    expect(onSettings).toHaveBeenCalled();
    unmount();
    render(<DetailsPanel target={target} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} onTerminal={() => {}} context="demo-admin" />);
    await screen.findByTestId('details-terminal');
    expect(screen.queryByTestId('details-node-shell')).toBeNull();
  });

  it('follows the object: refetched only on a notice for its watch, in this generation', async () => {
    render(panel());
    await waitFor(() => expect(fake.api.watchDetails).toHaveBeenCalledWith('pods', 'shop', 'web-1'));
    await screen.findByTestId('details-facts');
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    act(() => fake.objectChanged('w-other'));
    act(() => fake.objectChanged('w1', { generation: 0 }));
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    fake.b.details = details(row('web-1', { status: 'CrashLoopBackOff', health: 'error' }));
    act(() => fake.objectChanged('w1'));
    expect(fake.api.details).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(factsShown()).toContainEqual(['Status', 'CrashLoopBackOff']));
  });

  it('makes one more fetch for notices that arrive while one runs', async () => {
    let answer: (d: Details) => void = () => {};
    fake.api.details.mockImplementation(() => new Promise<Details>((resolve) => (answer = resolve)));
    render(panel());
    await waitFor(() => expect(fake.b.watches.has('w1')).toBe(true));
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    act(() => fake.objectChanged('w1'));
    act(() => fake.objectChanged('w1'));
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    await act(async () => answer(details(row('web-1'))));
    expect(fake.api.details).toHaveBeenCalledTimes(2);
    await act(async () => answer(details(row('web-1'))));
    expect(fake.api.details).toHaveBeenCalledTimes(2);
  });

  it('applies a notice that came before the watch said its id', async () => {
    let watching: (id: string) => void = () => {};
    fake.api.watchDetails.mockImplementation(() => new Promise<string>((resolve) => (watching = resolve)));
    render(panel());
    await screen.findByTestId('details-facts');
    act(() => fake.objectChanged('w9'));
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    await act(async () => watching('w9'));
    expect(fake.api.details).toHaveBeenCalledTimes(2);
  });

  it('says when the object was deleted, and asks for nothing more', async () => {
    render(panel());
    await screen.findByTestId('details-facts');
    act(() => fake.objectChanged('w1', { gone: true }));
    expect(screen.getByTestId('details-gone').textContent).toBe('This Pod was deleted; this is how it last was.');
    expect(screen.getByTestId('details').getAttribute('data-gone')).toBe('true');
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('details-facts')).toBeTruthy();
  });

  it('ends its watch when it moves to another object and when it closes', async () => {
    const { rerender, unmount } = render(panel());
    await waitFor(() => expect(fake.b.watches.has('w1')).toBe(true));
    rerender(panel({ kind: 'pods', namespace: 'shop', name: 'web-2', key: 'shop/web-2' }));
    await waitFor(() => expect(fake.api.unwatchDetails).toHaveBeenCalledWith('w1'));
    await waitFor(() => expect(fake.api.watchDetails).toHaveBeenLastCalledWith('pods', 'shop', 'web-2'));
    await waitFor(() => expect(fake.b.watches.has('w2')).toBe(true));
    // The old watch's notices no longer reach the panel.
    const fetched = fake.api.details.mock.calls.length;
    act(() => fake.objectChanged('w1'));
    expect(fake.api.details).toHaveBeenCalledTimes(fetched);
    unmount();
    await waitFor(() => expect(fake.api.unwatchDetails).toHaveBeenLastCalledWith('w2'));
    expect(fake.b.watches.size).toBe(0);
  });

  it('ends a watch whose id arrives after the panel closed', async () => {
    let watching: (id: string) => void = () => {};
    fake.api.watchDetails.mockImplementation(() => new Promise<string>((resolve) => (watching = resolve)));
    const { unmount } = render(panel());
    unmount();
    await act(async () => watching('w5'));
    expect(fake.api.unwatchDetails).toHaveBeenCalledWith('w5');
  });

  it('loads the YAML of the session generation into a read-only editor', async () => {
    fake.api.fetchYAML.mockResolvedValue('apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n');
    render(panel(target, 7));
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    await waitFor(() => expect(screen.getByTestId('yaml').querySelector('.cm-content')?.textContent).toContain('name: web-1'));
    expect(fake.api.fetchYAML).toHaveBeenCalledWith(7, 'pods', 'shop', 'web-1', expect.anything());
    expect(screen.getByTestId('yaml').querySelector('.cm-content')?.getAttribute('contenteditable')).toBe('false');
  });

  it('says why the YAML could not be loaded', async () => {
    fake.api.fetchYAML.mockRejectedValue(new Error('The context changed while the YAML was loading.'));
    render(panel());
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    expect(await screen.findByText('The context changed while the YAML was loading.')).toBeTruthy();
  });

  it('shows a details error with a retry, and closes', async () => {
    fake.api.details.mockRejectedValueOnce('pods "web-1" not found');
    const onClose = vi.fn();
    render(panel(target, 1, onClose));
    expect(await screen.findByText('pods "web-1" not found')).toBeTruthy();
    fireEvent.click(screen.getByText('Retry'));
    await waitFor(() => expect(fake.api.details).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByTestId('details-close'));
    expect(onClose).toHaveBeenCalled();
  });

  it('offers Edit only to a user who may update the object, in a writable context, and says why not', async () => {
    fake.api.can.mockImplementation(async (verb: string) =>
      verb === 'update' ? { allowed: false, reason: 'your user may not update configmaps in namespace shop' } : { allowed: true },
    );
    const cm = { kind: 'configmaps', namespace: 'shop', name: 'settings', key: 'shop/settings' };
    render(<DetailsPanel target={cm} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} context="demo" />);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    const edit = (await screen.findByTestId('yaml-edit')) as HTMLButtonElement;
    await waitFor(() => expect(screen.getByTestId('yaml-edit-denied').textContent).toBe('your user may not update configmaps in namespace shop'));
    expect(edit.disabled).toBe(true);
    expect(fake.api.can).toHaveBeenCalledWith('update', 'configmaps', 'shop');
    cleanup();

    fake.api.can.mockImplementation(async () => ({ allowed: true }));
    writeMode.set({ readOnlyContexts: { demo: true } });
    render(<DetailsPanel target={cm} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} context="demo" />);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    await waitFor(() => expect(screen.getByTestId('yaml-edit-denied').textContent).toBe('context "demo" is marked read-only (Settings)'));
    expect((screen.getByTestId('yaml-edit') as HTMLButtonElement).disabled).toBe(true);
    writeMode.set({});
    cleanup();

    render(<DetailsPanel target={cm} generation={1} now={now} kinds={kindsById} onClose={() => {}} onNavigate={() => {}} context="demo" />);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    await waitFor(() => expect((screen.getByTestId('yaml-edit') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('yaml-edit'));
    await screen.findByTestId('edit-yaml');
    expect(fake.api.beginEdit).toHaveBeenCalledWith('configmaps', 'shop', 'settings');
  });
});
