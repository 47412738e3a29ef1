import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contexts } from '../test/fakeBackend';
import { ContextPicker } from './ContextPicker';

describe('ContextPicker', () => {
  afterEach(cleanup);

  it('lists contexts with cluster, server and user; invalid ones with the reason; exec plugins with the command', () => {
    const onPick = vi.fn();
    render(<ContextPicker current="demo-admin" contexts={contexts} error={null} switching={null} onPick={onPick} />);
    expect(screen.getByTestId('context-picker').textContent).toContain('demo-admin');
    fireEvent.click(screen.getByTestId('context-picker'));
    const items = screen.getAllByTestId('context-item');
    expect(items.map((i) => i.getAttribute('data-context'))).toEqual(['demo-admin', 'staging-admin', 'broken', 'gke']);
    expect(items.map((i) => i.getAttribute('data-valid'))).toEqual(['true', 'true', 'false', 'true']);
    expect(items[0]!.textContent).toContain('demo · https://127.0.0.1:6443 · admin');
    expect(items[0]!.getAttribute('aria-selected')).toBe('true');
    expect(items[2]!.textContent).toContain('cluster "nowhere" not found');
    expect(items[3]!.textContent).toContain('runs gke-gcloud-auth-plugin');
    fireEvent.click(items[1]!);
    expect(onPick).toHaveBeenCalledWith('staging-admin');
    expect(screen.queryAllByTestId('context-item')).toHaveLength(0);
  });

  it('shows the context being switched to, and kubeconfig errors', () => {
    render(<ContextPicker current="demo-admin" contexts={[]} error="open /root/.kube/config: permission denied" switching="staging-admin" onPick={() => {}} />);
    expect(screen.getByTestId('context-picker').textContent).toContain('staging-admin');
    fireEvent.click(screen.getByTestId('context-picker'));
    expect(screen.getByText(/permission denied/)).toBeTruthy();
  });

  it('closes on Escape', () => {
    render(<ContextPicker current="" contexts={contexts} error={null} switching={null} onPick={() => {}} />);
    fireEvent.click(screen.getByTestId('context-picker'));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryAllByTestId('context-item')).toHaveLength(0);
  });
});
