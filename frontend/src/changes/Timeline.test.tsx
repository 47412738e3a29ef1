import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeEntry, Timeline } from '../api';
import { TimelineTab } from './Timeline';

const now = Date.UTC(2026, 11, 6, 18, 0, 0);
const entry = (seq: number, over: Partial<ChangeEntry>): ChangeEntry => ({
  seq,
  time: now - seq * 1000,
  op: 'updated',
  kind: 'deployments',
  kindLabel: 'Deployments',
  namespace: 'shop',
  name: 'web',
  fields: [],
  managers: [],
  ...over,
});

const timeline: Timeline = {
  generation: 1,
  kept: 3,
  bytes: 1000,
  budget: 32 << 20,
  dropped: 0,
  revisions: [{ revision: 2, replicaSet: 'web-abc', created: Math.floor((now - 30_000) / 1000), images: ['nginx:1.26'], current: true }],
  entries: [
    entry(1, {
      fields: [{ path: 'spec.replicas', old: '1', new: '3', managers: [0] }],
      managers: [{ name: 'scaler', operation: 'Update', subresource: 'scale', time: 0 }],
    }),
    entry(50, { op: 'gap', kind: 'deployments', gapTo: now - 50_000, reason: 'watch started', fields: [], managers: [] }),
  ],
};

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  return { ...real, api: { ...real.api, timeline: vi.fn(() => Promise.resolve(timeline)) } };
});

describe('TimelineTab', () => {
  afterEach(cleanup);

  it('merges changes, events and revisions newest first; a change opens to its field diff with its manager', async () => {
    const events = [{ type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up to 3', count: 1, lastSeen: Math.floor((now - 10_000) / 1000), source: 'deployment-controller' }];
    render(
      <TimelineTab generation={1} target={{ kind: 'deployments', namespace: 'shop', name: 'web', key: 'shop/web' }} context="demo" what="Deployment" events={events} version={1} now={now} />,
    );
    const change = await screen.findByTestId('timeline-change');
    const items = Array.from(document.querySelectorAll('.timeline-item')).map((el) => el.getAttribute('data-testid'));
    expect(items).toEqual(['timeline-change', 'timeline-event', 'timeline-revision', 'timeline-gap']);
    expect(screen.getByTestId('timeline-gap').textContent).toContain('Deployments: not observed before');
    expect(change.textContent).toContain('scaler (Update, scale)');
    fireEvent.click(change.querySelector('button') as HTMLElement);
    const row = await screen.findByTestId('field-diff-row');
    expect(Array.from(row.querySelectorAll('td')).map((td) => td.textContent)).toEqual(['spec.replicas', '1', '3', 'scaler (Update, scale)']);
    expect(screen.getByTestId('change-restore')).toBeTruthy();
    expect(screen.getByText(/not an audit log/)).toBeTruthy();
  });
});
