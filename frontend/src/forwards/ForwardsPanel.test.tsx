import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Forward } from '../api';
import { fake } from '../test/fakeBackend';
import { ForwardForm, parseLocalPort } from './ForwardForm';
import { ForwardsButton, ForwardsPanel } from './ForwardsPanel';
import { useForwards } from './useForwards';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const fwd = (over: Partial<Forward>): Forward => ({
  id: 'f1', generation: 1, kind: 'services', namespace: 'shop', name: 'web', port: 'http', remotePort: 8080, pod: 'web-7c9-abcde',
  address: '127.0.0.1:41234', state: 'active', connections: 2, totalConnections: 9, bytesIn: 2048, bytesOut: 512, ...over,
});

function Panel({ generation = 1 }: { generation?: number }) {
  const forwards = useForwards(generation, true);
  return (
    <>
      <ForwardsButton list={forwards.list} onOpen={() => {}} />
      <ForwardsPanel forwards={forwards} context="demo-admin" onClose={() => {}} />
    </>
  );
}

describe('ForwardsPanel', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('lists forwards with state, message, connections and bytes, and follows forwards:changed', async () => {
    fake.b.forwards = [fwd({})];
    render(<Panel />);
    const row = await screen.findByTestId('forward-row');
    expect(row.dataset.state).toBe('active');
    expect(row.textContent).toContain('services/web');
    expect(row.textContent).toContain('127.0.0.1:41234');
    expect(row.textContent).toContain('→ web-7c9-abcde:8080 (http)');
    expect(row.textContent).toContain('2 open · 9 total');
    expect(row.textContent).toContain('2.0 KiB / 512 B');
    expect(screen.getByTestId('forwards-open').textContent).toBe('Port forwards · 1 running');

    fake.forwardsChanged([fwd({ state: 'reconnecting', message: 'pod web-7c9-abcde was deleted', connections: 0 })]);
    await waitFor(() => expect(screen.getByTestId('forward-row').dataset.state).toBe('reconnecting'));
    expect(screen.getByTestId('forward-message').textContent).toBe('pod web-7c9-abcde was deleted');

    // Another generation's notice and forwards are not shown.
    fake.forwardsChanged([fwd({ generation: 2, state: 'error' })], 2);
    fake.forwardsChanged([fwd({ generation: 2, state: 'error' })]);
    await waitFor(() => expect(screen.getByTestId('forwards-empty')).toBeTruthy());
  });

  it('stops, restarts, saves, removes and opens in the system browser', async () => {
    fake.b.forwards = [fwd({})];
    render(<Panel />);
    fireEvent.click(await screen.findByTestId('forward-open'));
    expect(fake.api.openInBrowser).toHaveBeenCalledWith('http://127.0.0.1:41234/');

    fireEvent.click(screen.getByTestId('forward-stop'));
    await waitFor(() => expect(screen.getByTestId('forward-row').dataset.state).toBe('stopped'));
    expect(fake.api.stopForward).toHaveBeenCalledWith('f1');
    expect(screen.queryByTestId('forward-open')).toBeNull();
    fireEvent.click(screen.getByTestId('forward-restart'));
    await waitFor(() => expect(screen.getByTestId('forward-row').dataset.state).toBe('active'));

    fireEvent.click(screen.getByTestId('forward-save'));
    await waitFor(() => expect((screen.getByTestId('forward-save') as HTMLInputElement).checked).toBe(true));
    expect(fake.api.saveForward).toHaveBeenCalledWith('f1', true);

    fireEvent.click(screen.getByTestId('forward-remove'));
    await screen.findByTestId('forwards-empty');
  });

  it('shows a failed action’s error and renders cluster strings as text', async () => {
    fake.b.forwards = [fwd({ name: '<img src=x onerror=alert(1)>', state: 'error', message: '<b>pod gone</b>' })];
    fake.api.restartForward.mockRejectedValueOnce('127.0.0.1:8080 is already in use');
    render(<Panel />);
    const row = await screen.findByTestId('forward-row');
    expect(row.querySelector('img, b')).toBeNull();
    expect(within(row).getByTestId('forward-message').textContent).toBe('<b>pod gone</b>');
    fireEvent.click(within(row).getByTestId('forward-restart'));
    expect((await screen.findByTestId('forwards-error')).textContent).toBe('127.0.0.1:8080 is already in use');
  });
});

describe('ForwardForm', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('reads the local port', () => {
    expect(parseLocalPort(' ')).toBe(0);
    expect(parseLocalPort('8080')).toBe(8080);
    expect(parseLocalPort('0')).toMatch(/between 1 and 65535/);
    expect(parseLocalPort('70000')).toMatch(/between 1 and 65535/);
    expect(parseLocalPort('80a')).toMatch(/a number/);
  });

  it('offers the object’s ports and starts a forward on the local port asked', async () => {
    const onShow = vi.fn();
    render(<ForwardForm kind="pods" namespace="shop" name="web-0" onClose={() => {}} onShow={onShow} />);
    const port = (await screen.findByTestId('forward-port')) as HTMLInputElement;
    await waitFor(() => expect(port.value).toBe('http'));
    await waitFor(() => expect((screen.getByTestId('forward-start') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.change(screen.getByTestId('forward-local'), { target: { value: '18080' } });
    fireEvent.click(screen.getByTestId('forward-start'));
    const started = await screen.findByTestId('forward-started');
    expect(started.textContent).toContain('127.0.0.1:18080');
    expect(fake.api.startForward).toHaveBeenCalledWith({ kind: 'pods', namespace: 'shop', name: 'web-0', port: 'http', localPort: 18080 });
    fireEvent.click(screen.getByTestId('forward-show'));
    expect(onShow).toHaveBeenCalled();
  });

  it('is disabled with the reason when the user may not forward ports', async () => {
    fake.api.canPortForward.mockResolvedValueOnce({ allowed: false, reason: 'your user may not forward ports (create pods/portforward) in namespace shop' });
    render(<ForwardForm kind="pods" namespace="shop" name="web-0" onClose={() => {}} />);
    expect((await screen.findByTestId('forward-denied')).textContent).toContain('create pods/portforward');
    expect((screen.getByTestId('forward-start') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows why a forward did not start', async () => {
    fake.api.startForward.mockRejectedValueOnce('127.0.0.1:8080 is already in use');
    render(<ForwardForm kind="pods" namespace="shop" name="web-0" onClose={() => {}} />);
    await waitFor(() => expect((screen.getByTestId('forward-start') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.change(screen.getByTestId('forward-local'), { target: { value: '8080' } });
    fireEvent.click(screen.getByTestId('forward-start'));
    expect((await screen.findByTestId('forward-error')).textContent).toBe('127.0.0.1:8080 is already in use');
  });
});
