import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { fake, logLine, row, status } from './test/fakeBackend';
import { KINDS } from './test/kindsFixture';

vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  const { fake } = await import('./test/fakeBackend');
  return { ...real, api: fake.api };
});

const table = () => screen.getByTestId('resource-table');
const keys = () => screen.queryAllByTestId('row').map((r) => r.getAttribute('data-key'));

async function start(rows = [row('web-1'), row('web-2'), row('db-0', { namespace: 'data' })]) {
  fake.b.rows = rows;
  render(<App />);
  await waitFor(() => expect(table().getAttribute('data-state')).toBe('ready'));
}

describe('App', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('opens a view for the current context and shows its rows', async () => {
    await start();
    expect(table().getAttribute('data-kind')).toBe('pods');
    expect(table().getAttribute('data-count')).toBe('3');
    expect(keys()).toEqual(['shop/web-1', 'shop/web-2', 'data/db-0']);
    expect(screen.getByTestId('app-shell').getAttribute('data-generation')).toBe('1');
    expect(fake.api.openView).toHaveBeenCalledWith(expect.objectContaining({ kind: 'pods', namespace: '' }));
  });

  it('follows live changes from view notices', async () => {
    await start();
    act(() => fake.change([row('web-1'), row('web-3')]));
    await waitFor(() => expect(keys()).toEqual(['shop/web-1', 'shop/web-3']));
    expect(table().getAttribute('data-count')).toBe('2');
    expect(document.querySelector('.title-count')?.textContent).toBe('2');
    act(() => fake.change([row('web-1'), row('web-3'), row('web-4'), row('web-5')]));
    await waitFor(() => expect(document.querySelector('.title-count')?.textContent).toBe('4'));
    act(() => fake.change([]));
    await waitFor(() => expect(screen.getByText(/no pods/i)).toBeTruthy());
  });

  it('keeps the selection across live updates', async () => {
    await start();
    fireEvent.click(screen.getAllByTestId('row')[1]!);
    act(() => fake.change([row('web-0'), row('web-1'), row('web-2')]));
    await waitFor(() => expect(keys()).toHaveLength(3));
    const selected = screen.getAllByTestId('row').filter((r) => r.getAttribute('aria-selected') === 'true');
    expect(selected.map((r) => r.getAttribute('data-key'))).toEqual(['shop/web-2']);
  });

  it('sorts on the backend when a header is clicked', async () => {
    await start();
    fireEvent.click(screen.getByTestId('sort-restarts'));
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ sortBy: 'restarts', desc: false })));
    fireEvent.click(screen.getByTestId('sort-restarts'));
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ sortBy: 'restarts', desc: true })));
  });

  it('drops the old rows at once on a context switch, then loads the new ones', async () => {
    await start();
    fake.b.rows = [];
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin', phase: 'connecting', kinds: [] })));
    expect(keys()).toEqual([]);
    expect(table().getAttribute('data-state')).toBe('loading');
    expect(screen.getByTestId('app-shell').getAttribute('data-generation')).toBe('2');
    act(() => {
      fake.b.rows = [row('api-0', { namespace: 'staging' })];
      fake.change(fake.b.rows);
    });
    await waitFor(() => expect(keys()).toEqual(['staging/api-0']));
  });

  it('hides the old context at once when switching, and ignores a superseded switch', async () => {
    await start();
    let supersede = () => {};
    fake.api.switchContext.mockImplementationOnce(
      () => new Promise((_, reject) => (supersede = () => reject('switch to "staging-admin" superseded by a later switch'))),
    );
    fireEvent.click(screen.getByTestId('context-picker'));
    fireEvent.click(screen.getAllByTestId('context-item')[1]!);
    expect(screen.queryAllByTestId('row')).toHaveLength(0);
    expect(screen.getByText('Connecting to staging-admin…')).toBeTruthy();
    fireEvent.click(screen.getByTestId('context-picker'));
    fireEvent.click(screen.getAllByTestId('context-item')[3]!);
    await act(async () => supersede());
    await waitFor(() => expect(screen.getByTestId('app-shell').getAttribute('data-generation')).toBe('2'));
    expect(screen.getByTestId('context-picker').textContent).toContain('gke');
    expect(screen.queryByText(/Cannot switch/)).toBeNull();
    expect(screen.queryByText(/Connecting to/)).toBeNull();
  });

  it('ignores status from an older session', async () => {
    await start();
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin' })));
    act(() => fake.emitStatus(status({ generation: 1, context: 'demo-admin' })));
    expect(screen.getByTestId('context-picker').textContent).toContain('staging-admin');
  });

  it('shows an unreachable context as an error with a retry', async () => {
    await start();
    act(() => fake.emitStatus(status({ generation: 2, context: 'offline', phase: 'error', message: 'cannot reach https://127.0.0.1:1: connection refused', kinds: [] })));
    const panel = screen.getByTestId('session-error');
    expect(panel.textContent).toContain('connection refused');
    fireEvent.click(within(panel).getByTestId('retry'));
    expect(fake.api.switchContext).toHaveBeenCalledWith('offline');
  });

  it('marks the data stale when a connected session loses its connection', async () => {
    await start();
    expect(screen.queryByTestId('status-stale')).toBeNull();
    act(() => fake.emitStatus(status({ phase: 'error', message: 'connection reset' })));
    expect(screen.getByTestId('status-stale').textContent).toMatch(/stale since/);
    expect(screen.getByTestId('status-bar').getAttribute('data-phase')).toBe('error');
    expect(keys()).toHaveLength(3); // still shown, marked stale
  });

  it('says clearly when a label selector is invalid', async () => {
    await start();
    fake.b.badSelector = 'app==';
    fireEvent.change(screen.getByTestId('selector'), { target: { value: 'app==' } });
    fireEvent.keyDown(screen.getByTestId('selector'), { key: 'Enter' });
    expect((await screen.findByTestId('selector-error')).textContent).toContain('invalid label selector "app=="');
    // clearing the refused selector returns to the view as it is, without the error
    fireEvent.change(screen.getByTestId('selector'), { target: { value: '' } });
    fireEvent.keyDown(screen.getByTestId('selector'), { key: 'Enter' });
    await waitFor(() => expect(screen.queryByTestId('selector-error')).toBeNull());
    fireEvent.change(screen.getByTestId('selector'), { target: { value: 'app==' } });
    fireEvent.keyDown(screen.getByTestId('selector'), { key: 'Enter' });
    expect((await screen.findByTestId('selector-error')).textContent).toContain('invalid label selector "app=="');
    fireEvent.change(screen.getByTestId('selector'), { target: { value: 'app=web' } });
    fireEvent.keyDown(screen.getByTestId('selector'), { key: 'Enter' });
    await waitFor(() => expect(screen.queryByTestId('selector-error')).toBeNull());
    expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ selector: 'app=web' }));
  });

  it('sends the text filter to the view', async () => {
    await start();
    fireEvent.change(screen.getByTestId('filter'), { target: { value: 'web' } });
    fireEvent.keyDown(screen.getByTestId('filter'), { key: 'Enter' });
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ filter: 'web' })));
  });

  it('drives the table from the keyboard', async () => {
    await start();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('filter'));
    fireEvent.keyDown(screen.getByTestId('filter'), { key: 'Escape' });
    expect(document.activeElement).not.toBe(screen.getByTestId('filter'));
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    const selected = () => screen.getAllByTestId('row').find((r) => r.getAttribute('aria-selected') === 'true')?.getAttribute('data-key');
    expect(selected()).toBe('shop/web-2');
    fireEvent.keyDown(document.body, { key: 'End' });
    expect(selected()).toBe('data/db-0');
    fireEvent.keyDown(document.body, { key: 'Home' });
    expect(selected()).toBe('shop/web-1');
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    fireEvent.keyDown(document.body, { key: 'ArrowUp' });
    expect(selected()).toBe('shop/web-1');
    fireEvent.keyDown(document.body, { key: 'Enter' });
    expect(screen.getByTestId('details').getAttribute('data-key')).toBe('shop/web-1');
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByTestId('details')).toBeNull();
  });

  it('opens details on click and navigates through related links', async () => {
    await start();
    const node = row('node-1', { kind: 'nodes', namespace: '', key: 'node-1' });
    fake.b.details = { row: row('web-1'), summary: [], conditions: [], containers: [], events: [], related: [node] };
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    const link = await screen.findByTestId('related-link');
    expect(link.getAttribute('data-kind')).toBe('nodes');
    expect(link.getAttribute('data-key')).toBe('node-1');
    fake.b.details = null;
    fireEvent.click(link);
    await waitFor(() => expect(screen.getByTestId('details').getAttribute('data-key')).toBe('node-1'));
    expect(fake.api.details).toHaveBeenLastCalledWith('nodes', '', 'node-1');
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ kind: 'nodes' })));
    expect(table().getAttribute('data-kind')).toBe('nodes');
  });

  it('starts events newest first', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-events'));
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ kind: 'events', sortBy: 'lastSeen', desc: true })));
  });

  it('switches kind from the navigation and from the command palette', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-deployments'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('deployments'));
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    const input = screen.getByTestId('palette-input');
    fireEvent.change(input, { target: { value: 'secr' } });
    expect(screen.getAllByTestId('palette-item')[0]!.textContent).toContain('Secrets');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.queryByTestId('palette')).toBeNull();
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('secrets'));
  });

  it('switches context from the palette', async () => {
    await start();
    fireEvent.keyDown(document.body, { key: 'k', metaKey: true });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'staging' } });
    fireEvent.click(screen.getAllByTestId('palette-item')[0]!);
    await waitFor(() => expect(fake.api.switchContext).toHaveBeenCalledWith('staging-admin'));
  });

  it('remembers the namespace per context', async () => {
    await start();
    fireEvent.click(screen.getByTestId('namespace-picker'));
    fireEvent.click(await screen.findByText('shop', { selector: '[data-testid="namespace-item"]' }));
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ namespace: 'shop' })));
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin' })));
    expect(screen.getByTestId('namespace-picker').textContent).toContain('All namespaces');
    act(() => fake.emitStatus(status({ generation: 3, context: 'demo-admin' })));
    expect(screen.getByTestId('namespace-picker').textContent).toContain('shop');
  });

  it('keeps the namespace per context across restarts, in the settings', async () => {
    fake.api.settings.mockResolvedValue({ namespaces: { 'demo-admin': 'data' }, window: { width: 0, height: 0 } });
    await start();
    await waitFor(() => expect(screen.getByTestId('namespace-picker').textContent).toContain('data'));
    fireEvent.click(screen.getByTestId('namespace-picker'));
    fireEvent.click(await screen.findByText('shop', { selector: '[data-testid="namespace-item"]' }));
    await waitFor(() => expect(fake.api.rememberNamespace).toHaveBeenCalledWith('demo-admin', 'shop'));
  });

  it('shows counts per kind the session knows', async () => {
    fake.b.status = status({ kinds: [{ kind: 'pods', state: 'synced', count: 50_000 }, { kind: 'nodes', state: 'pending', count: 0 }] });
    await start();
    expect(screen.getByTestId('nav-count-pods').textContent).toBe((50_000).toLocaleString());
    expect(screen.getByTestId('nav-count-nodes').textContent).toBe('');
  });

  it('counts namespaced kinds in the namespace picked, once the session counts there', async () => {
    fake.b.status = status({
      kinds: [
        { kind: 'pods', state: 'synced', count: 50_000, namespaceCount: 12 },
        { kind: 'nodes', state: 'synced', count: 4, namespaceCount: 0 },
      ],
    });
    await start();
    expect(screen.getByTestId('nav-count-pods').textContent).toBe((50_000).toLocaleString());
    fireEvent.click(screen.getByTestId('namespace-picker'));
    fireEvent.click(await screen.findByText('shop', { selector: '[data-testid="namespace-item"]' }));
    await waitFor(() => expect(fake.api.focusNamespace).toHaveBeenLastCalledWith(1, 'shop'));
    expect(screen.getByTestId('nav-count-pods').textContent).toBe((50_000).toLocaleString());
    act(() => fake.emitStatus({ ...fake.b.status, namespace: 'shop' }));
    expect(screen.getByTestId('nav-count-pods').textContent).toBe('12');
    expect(screen.getByTestId('nav-count-nodes').textContent).toBe('4');
  });

  it('lists the kinds the backend sends, by group, custom ones by API group', async () => {
    await start();
    const groups = Array.from(document.querySelectorAll('[data-nav-group]')).map((g) => g.getAttribute('data-nav-group'));
    expect(groups).toEqual(['Workloads', 'Network', 'Config', 'Access control', 'Cluster', 'Custom resources', 'API resources']);
    const custom = document.querySelector('[data-nav-group="Custom resources"]')!;
    const data = within(custom as HTMLElement).getByTestId('nav-apigroup-data.crowsnest.io');
    expect(within(custom as HTMLElement).getByTestId('nav-apigroup-platform.crowsnest.io')).toBeTruthy();
    // Closed until opened, or until one of its kinds is shown.
    expect(data.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('nav-databases.data.crowsnest.io')).toBeNull();
    fireEvent.click(data);
    expect(data.getAttribute('aria-expanded')).toBe('true');
    expect(within(custom as HTMLElement).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'data.crowsnest.io2', 'Databases', 'Backups', 'platform.crowsnest.io1',
    ]);
    fireEvent.click(screen.getByTestId('nav-databases.data.crowsnest.io'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('databases.data.crowsnest.io'));
    expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ kind: 'databases.data.crowsnest.io', sortBy: '' }));
    fireEvent.click(data);
    expect(screen.queryByTestId('nav-databases.data.crowsnest.io')).toBeNull();
    fireEvent.click(screen.getByTestId('nav-pods'));
    fireEvent.click(data);
    expect(screen.getByTestId('nav-databases.data.crowsnest.io')).toBeTruthy();
  });

  it('shows a custom kind\'s columns from the backend, and opens the group of the kind shown', async () => {
    await start();
    // A minute past 3d: the page's clock (useNow) may be a second behind this one.
    const created = Math.floor(Date.now() / 1000) - 3 * 86400 - 60; // an age that reads 3d for an hour
    fake.b.rows = [row('orders-db', { kind: 'databases.data.crowsnest.io', created, status: 'True' }, { engine: 'postgres', version: '16.4', replicas: '3', storage: '20Gi' })];
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByTestId('palette-input'), { target: { value: 'db' } });
    const first = screen.getAllByTestId('palette-item')[0]!;
    expect(first.textContent).toBe('Go toDatabasesCustom resources · data.crowsnest.io');
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Enter' });
    await waitFor(() => expect(keys()).toEqual(['shop/orders-db']));
    expect(screen.getByTestId('nav-apigroup-data.crowsnest.io').getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('nav-databases.data.crowsnest.io').getAttribute('aria-current')).toBe('page');
    const headers = screen.getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Name', 'Namespace', 'Engine', 'Version', 'Replicas', 'Ready', 'Storage', 'Age']);
    const cells = within(screen.getAllByTestId('row')[0]!).getAllByRole('gridcell').map((c) => c.textContent);
    expect(cells).toEqual(['orders-db', 'shop', 'postgres', '16.4', '3', 'True', '20Gi', '3d']);
    expect(screen.getByTestId('filter').getAttribute('placeholder')).toBe('Filter databases');
  });

  it('finds kinds in the palette by short name, API kind and plural', async () => {
    await start();
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    const input = screen.getByTestId('palette-input');
    const first = () => screen.getAllByTestId('palette-item')[0]!.querySelector('.palette-label')?.textContent;
    fireEvent.change(input, { target: { value: 'svc' } });
    expect(first()).toBe('Services');
    fireEvent.change(input, { target: { value: 'deploy' } });
    expect(first()).toBe('Deployments');
    fireEvent.change(input, { target: { value: 'Tenant' } });
    expect(first()).toBe('Tenants');
    fireEvent.change(input, { target: { value: 'NodeMetrics' } });
    const metrics = screen.getAllByTestId('palette-item')[0]!;
    expect(metrics.getAttribute('aria-disabled')).toBe('true');
    expect(metrics.getAttribute('title')).toBe('the server does not let it be watched');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByTestId('palette')).toBeTruthy(); // nothing ran
    expect(table().getAttribute('data-kind')).toBe('pods');
  });

  it('shows a kind the server cannot watch disabled, with the reason', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-apigroup-metrics.k8s.io'));
    const item = screen.getByTestId('nav-nodes.metrics.k8s.io') as HTMLButtonElement;
    expect(item.disabled).toBe(true);
    expect(item.getAttribute('title')).toBe('the server does not let it be watched');
  });

  it('says so when the kind shown is removed from the cluster, and asks for it no more', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-apigroup-data.crowsnest.io'));
    fireEvent.click(screen.getByTestId('nav-databases.data.crowsnest.io'));
    await waitFor(() => expect(fake.api.updateView).toHaveBeenLastCalledWith('v1', expect.objectContaining({ kind: 'databases.data.crowsnest.io' })));
    await waitFor(() => expect(table().getAttribute('data-state')).not.toBe('loading'));
    act(() => fake.removeKind('databases.data.crowsnest.io'));
    const removed = await screen.findByTestId('kind-removed');
    expect(removed.textContent).toContain('Databases were removed from the cluster');
    await waitFor(() => expect(fake.api.kinds).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(fake.api.closeView).toHaveBeenCalledWith('v1'));
    expect(screen.queryByTestId('nav-databases.data.crowsnest.io')).toBeNull();
    const asked = [fake.api.openView.mock.calls.length, fake.api.updateView.mock.calls.length, fake.api.viewRows.mock.calls.length];
    act(() => fake.emitStatus({ ...fake.b.status, lastChange: Date.now() + 1000 }));
    expect(screen.getByTestId('kind-removed')).toBeTruthy();
    expect([fake.api.openView.mock.calls.length, fake.api.updateView.mock.calls.length, fake.api.viewRows.mock.calls.length]).toEqual(asked);
    fireEvent.click(screen.getByTestId('kind-removed-back'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('pods'));
    await waitFor(() => expect(keys()).toHaveLength(3));
  });

  it('says so when the kinds listed no longer hold the kind shown', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-events'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('events'));
    act(() => fake.serveKinds(KINDS.filter((k) => k.id !== 'events')));
    expect((await screen.findByTestId('kind-removed')).textContent).toContain('Events were removed from the cluster');
    // Served again (its CRD created anew): the table comes back.
    act(() => fake.serveKinds(KINDS));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('events'));
  });

  it('says so when the new context does not serve the kind shown', async () => {
    await start();
    fireEvent.click(screen.getByTestId('nav-apigroup-data.crowsnest.io'));
    fireEvent.click(screen.getByTestId('nav-databases.data.crowsnest.io'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('databases.data.crowsnest.io'));
    fake.b.kinds = KINDS.filter((k) => !k.custom);
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin' })));
    const panel = await screen.findByTestId('kind-removed');
    expect(panel.textContent).toContain('Databases are not served by staging-admin');
    expect(screen.queryByTestId('nav-apigroup-data.crowsnest.io')).toBeNull();
    fireEvent.click(screen.getByTestId('kind-removed-back'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('pods'));
  });

  it('asks for the kinds again only when the session says they changed', async () => {
    await start();
    expect(fake.api.kinds).toHaveBeenCalledTimes(1);
    act(() => fake.emitStatus({ ...fake.b.status, lastChange: Date.now() + 1000, kinds: [{ kind: 'pods', state: 'synced', count: 4 }] }));
    await waitFor(() => expect(screen.getByTestId('nav-count-pods').textContent).toBe('4'));
    expect(fake.api.kinds).toHaveBeenCalledTimes(1);
    act(() => fake.serveKinds([...KINDS.slice(0, 2)]));
    await waitFor(() => expect(fake.api.kinds).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(screen.queryByTestId('nav-events')).toBeNull());
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin', kindsVersion: 1 })));
    await waitFor(() => expect(fake.api.kinds).toHaveBeenCalledTimes(3));
  });

  it('does not refetch open details when something else in the cluster changed', async () => {
    await start();
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    await screen.findByTestId('details-facts');
    expect(fake.api.watchDetails).toHaveBeenCalledWith('pods', 'shop', 'web-1');
    act(() => fake.emitStatus({ ...fake.b.status, lastChange: Date.now() + 5000 }));
    act(() => fake.change([row('web-1'), row('web-2')]));
    await waitFor(() => expect(keys()).toHaveLength(2));
    expect(fake.api.details).toHaveBeenCalledTimes(1);
    act(() => fake.objectChanged('w1'));
    expect(fake.api.details).toHaveBeenCalledTimes(2);
    fireEvent.click(screen.getByTestId('details-close'));
    expect(fake.api.unwatchDetails).toHaveBeenCalledWith('w1');
  });

  it('shows an empty state when the view has no rows', async () => {
    fake.b.rows = [];
    render(<App />);
    await waitFor(() => expect(table().getAttribute('data-state')).toBe('empty'));
    expect(screen.getByText('No pods in all namespaces')).toBeTruthy();
  });

  it('keeps logs open in a dock of tabs while browsing; closing a tab or switching context closes its view', async () => {
    fake.setLog([logLine(1, 'hello from web')]);
    await start();
    // A Logs tab in the details of a kind with logs...
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    fireEvent.click(await screen.findByTestId('details-tab-logs'));
    await waitFor(() => expect(screen.getByTestId('details').textContent).toContain('hello from web'));
    // ...kept open in the dock.
    fireEvent.click(screen.getByTestId('logs-to-dock'));
    await waitFor(() => expect(screen.getByTestId('log-dock').textContent).toContain('hello from web'));
    expect(fake.b.logViews.size).toBe(1); // the details' view closed, the dock's open
    // 'l' docks the selected row's logs in a second tab.
    fireEvent.keyDown(document.body, { key: 'ArrowDown' });
    fireEvent.keyDown(document.body, { key: 'l' });
    await waitFor(() => expect(screen.getAllByTestId('log-dock-tab')).toHaveLength(2));
    await waitFor(() => expect(fake.b.logViews.size).toBe(2));
    expect(screen.getAllByTestId('log-dock-tab').map((t) => t.dataset.key)).toEqual(['pods|shop|web-1', 'pods|shop|web-2']);
    // Browsing elsewhere keeps them.
    fireEvent.click(screen.getByTestId('nav-deployments'));
    await waitFor(() => expect(table().getAttribute('data-kind')).toBe('deployments'));
    expect(screen.getAllByTestId('log-dock-tab')).toHaveLength(2);
    fireEvent.click(screen.getAllByTestId('log-dock-close')[0]!);
    await waitFor(() => expect(fake.b.logViews.size).toBe(1));
    // A new context closes the rest.
    act(() => fake.emitStatus(status({ generation: 2, context: 'staging-admin' })));
    await waitFor(() => expect(screen.queryByTestId('log-dock')).toBeNull());
    expect(fake.b.logViews.size).toBe(0);
  });

  it('offers no Logs tab for a kind without logs', async () => {
    await start();
    fake.b.rows = [row('cfg', { kind: 'configmaps' })];
    fireEvent.click(screen.getByTestId('nav-configmaps'));
    await waitFor(() => expect(keys()).toEqual(['shop/cfg']));
    fireEvent.click(screen.getAllByTestId('row')[0]!);
    await screen.findByTestId('details-tab-yaml');
    expect(screen.queryByTestId('details-tab-logs')).toBeNull();
  });
});
