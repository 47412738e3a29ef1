import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Palette, rank, score } from './Palette';

describe('rank', () => {
  it('prefers prefixes, then word starts, then substrings, then letters in order', () => {
    expect(rank('Deployments', 'dep')).toBeGreaterThan(rank('ReplicaSets', 'set'));
    expect(rank('kube-system', 'sys')).toBe(3);
    expect(rank('ReplicaSets', 'set')).toBe(2);
    expect(rank('StatefulSets', 'sfs')).toBe(1);
    expect(rank('Pods', 'xyz')).toBe(0);
  });
});

describe('score', () => {
  it('finds a command by its keywords as well as its label', () => {
    const db = { id: 'db', group: 'Go to', label: 'Databases', keywords: ['Database', 'databases', 'db'], run: () => {} };
    const deploy = { id: 'dp', group: 'Go to', label: 'Deployments', keywords: ['Deployment', 'deployments', 'deploy'], run: () => {} };
    expect(score(db, 'db')).toBe(4);
    expect(score(deploy, 'db')).toBe(0);
    expect(score({ ...db, keywords: [] }, 'db')).toBe(1);
  });
});

describe('Palette', () => {
  afterEach(cleanup);

  it('filters, moves with arrows, runs with Enter and closes', () => {
    const run = vi.fn();
    const onClose = vi.fn();
    const cmd = (label: string, group = 'Go to') => ({ id: group + label, group, label, run: () => run(label) });
    render(<Palette commands={[cmd('Pods'), cmd('Deployments'), cmd('DaemonSets'), cmd('shop', 'Namespace')]} onClose={onClose} />);
    const input = screen.getByTestId('palette-input');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'd' } });
    expect(screen.getAllByTestId('palette-item').map((i) => i.textContent)).toEqual(['Go toDeployments', 'Go toDaemonSets', 'Go toPods']);
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(run).toHaveBeenCalledWith('DaemonSets');
    expect(onClose).toHaveBeenCalled();
  });

  it('shows a disabled command with its reason and does not run it', () => {
    const run = vi.fn();
    const onClose = vi.fn();
    render(<Palette commands={[{ id: 'm', group: 'Go to', label: 'NodeMetrics', disabled: 'cannot be watched', run }]} onClose={onClose} />);
    const item = screen.getByTestId('palette-item');
    expect(item.getAttribute('aria-disabled')).toBe('true');
    expect(item.getAttribute('title')).toBe('cannot be watched');
    fireEvent.click(item);
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Enter' });
    expect(run).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes on Escape without running anything', () => {
    const onClose = vi.fn();
    const run = vi.fn();
    render(<Palette commands={[{ id: 'a', group: 'Go to', label: 'Pods', run }]} onClose={onClose} />);
    fireEvent.keyDown(screen.getByTestId('palette-input'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });
});
