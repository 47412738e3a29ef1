import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, row } from '../test/fakeBackend';
import { DetailsPanel } from './DetailsPanel';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const target = { kind: 'pods', namespace: 'shop', name: 'web-1', key: 'shop/web-1' };
const now = Date.now();

describe('DetailsPanel', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('shows facts, labels, annotations, conditions, containers, related objects and events', async () => {
    const rs = row('web-abc', { kind: 'replicasets', key: 'shop/web-abc', status: 'Ready' });
    fake.b.details = {
      row: row('web-1', { labels: { app: 'web', tier: 'front' } }),
      annotations: { 'example.com/owner': 'team-a' },
      summary: [{ label: 'Pod IP', value: '10.1.2.3' }, { label: 'Node', value: 'node-1' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containers: [{ name: 'app', image: 'nginx:1.27', ready: true, state: 'Running', ports: ['80/TCP'] }],
      events: [row('web-1.1', { kind: 'events', status: 'Warning', health: 'warn', cells: { reason: 'BackOff', message: 'Back-off restarting', count: '3', lastSeen: String(Math.floor(now / 1000) - 30) } })],
      related: [rs],
    };
    const onNavigate = vi.fn();
    render(<DetailsPanel target={target} generation={1} now={now} refreshToken={0} onClose={() => {}} onNavigate={onNavigate} />);
    const panel = screen.getByTestId('details');
    expect(panel.getAttribute('data-key')).toBe('shop/web-1');
    await screen.findByText('10.1.2.3');
    expect(screen.getAllByText('node-1')).toHaveLength(1); // once, from the summary
    expect(panel.textContent).toContain('tier=front');
    expect(panel.textContent).toContain('example.com/owner');
    expect(panel.textContent).toContain('nginx:1.27');
    expect(panel.textContent).toContain('80/TCP');
    expect(panel.textContent).toContain('Back-off restarting');
    expect(panel.textContent).toContain('30s ago · ×3');
    fireEvent.click(screen.getByTestId('related-link'));
    expect(onNavigate).toHaveBeenCalledWith(rs);
    fireEvent.click(screen.getByTestId('details-tab-events'));
    expect(screen.getByTestId('details-tab-events').textContent).toBe('Events (1)');
    expect(panel.textContent).toContain('BackOff');
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
    render(<DetailsPanel target={{ kind: 'secrets', namespace: 'shop', name: 'db', key: 'shop/db' }} generation={1} now={now} refreshToken={0} onClose={() => {}} onNavigate={() => {}} />);
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
    render(<DetailsPanel target={{ kind: 'secrets', namespace: 'shop', name: 'db', key: 'shop/db' }} generation={1} now={now} refreshToken={0} onClose={() => {}} onNavigate={() => {}} />);
    const button = await screen.findByTestId('secret-reveal');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(true));
    expect(button.getAttribute('title')).toBe('your user may not get secrets in namespace shop');
    expect(fake.api.can).toHaveBeenCalledWith('get', 'secrets', 'shop');
  });

  it('refetches when the object may have changed, at most every 2 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const panel = (token: string) => <DetailsPanel target={target} generation={1} now={now} refreshToken={token} onClose={() => {}} onNavigate={() => {}} />;
      const { rerender } = render(panel('1/0'));
      expect(fake.api.details).toHaveBeenCalledTimes(1);
      rerender(panel('2/0'));
      rerender(panel('3/0'));
      await act(() => vi.advanceTimersByTimeAsync(1999));
      expect(fake.api.details).toHaveBeenCalledTimes(1);
      await act(() => vi.advanceTimersByTimeAsync(1));
      expect(fake.api.details).toHaveBeenCalledTimes(2); // both changes, in one fetch
      await act(() => vi.advanceTimersByTimeAsync(10_000));
      expect(fake.api.details).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('loads the YAML of the session generation into a read-only editor', async () => {
    fake.api.fetchYAML.mockResolvedValue('apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n');
    render(<DetailsPanel target={target} generation={7} now={now} refreshToken={0} onClose={() => {}} onNavigate={() => {}} />);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    await waitFor(() => expect(screen.getByTestId('yaml').querySelector('.cm-content')?.textContent).toContain('name: web-1'));
    expect(fake.api.fetchYAML).toHaveBeenCalledWith(7, 'pods', 'shop', 'web-1', expect.anything());
    expect(screen.getByTestId('yaml').querySelector('.cm-content')?.getAttribute('contenteditable')).toBe('false');
  });

  it('says why the YAML could not be loaded', async () => {
    fake.api.fetchYAML.mockRejectedValue(new Error('The context changed while the YAML was loading.'));
    render(<DetailsPanel target={target} generation={1} now={now} refreshToken={0} onClose={() => {}} onNavigate={() => {}} />);
    fireEvent.click(screen.getByTestId('details-tab-yaml'));
    expect(await screen.findByText('The context changed while the YAML was loading.')).toBeTruthy();
  });

  it('shows a details error with a retry, and closes', async () => {
    fake.api.details.mockRejectedValueOnce('pods "web-1" not found');
    const onClose = vi.fn();
    render(<DetailsPanel target={target} generation={1} now={now} refreshToken={0} onClose={onClose} onNavigate={() => {}} />);
    expect(await screen.findByText('pods "web-1" not found')).toBeTruthy();
    fireEvent.click(screen.getByText('Retry'));
    await waitFor(() => expect(fake.api.details).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByTestId('details-close'));
    expect(onClose).toHaveBeenCalled();
  });
});
