import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KindAction, KindInfo } from '../api';
import { fake } from '../test/fakeBackend';
import { writeMode } from '../writes/writeMode';
import { typeToConfirm } from './ActionDialog';
import { ActionMenu, disabledReason } from './ActionMenu';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const scale: KindAction = { id: 'scale', title: 'Scale…', verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale', bulk: true };
const undo: KindAction = { id: 'undo', title: 'Rollout history…', verb: 'patch', group: 'apps', resource: 'deployments' };
const del: KindAction = { id: 'delete', title: 'Delete…', verb: 'delete', group: 'apps', resource: 'deployments', bulk: true, danger: true };
const deployments: KindInfo = {
  id: 'deployments', kind: 'Deployment', label: 'Deployments', nav: 'Workloads', apiGroup: 'apps', version: 'v1', resource: 'deployments',
  namespaced: true, columns: [{ id: 'name', title: 'Name', type: 'text' }], actions: [scale, undo, del],
};

describe('action menu', () => {
  beforeEach(() => {
    fake.reset();
    writeMode.set({});
    fake.api.can.mockImplementation(async () => ({ allowed: true }));
    fake.api.runAction.mockImplementation(async (req) => ({ objects: req.names.map((name) => ({ name })) }));
  });
  afterEach(cleanup);

  it('says why an action is disabled: read-only first, then one object at a time, then RBAC (across namespaces the plan checks each object)', () => {
    const one = { namespace: 'shop', names: ['web'] };
    expect(disabledReason(scale, 'Crowsnest is in read-only mode (Settings)', { allowed: true }, one)).toBe('Crowsnest is in read-only mode (Settings)');
    expect(disabledReason(undo, '', { allowed: true }, { namespace: 'shop', names: ['a', 'b'] })).toBe('Rollout history applies to one object at a time');
    const mixed = { namespace: '', names: ['shop/a', 'payments/b'], mixed: true };
    expect(disabledReason(scale, '', { allowed: true }, mixed)).toBe('');
    expect(disabledReason(scale, '', { allowed: false, reason: 'cluster-wide: no' }, mixed)).toBe('');
    expect(disabledReason(undo, '', { allowed: true }, mixed)).toBe('Rollout history applies to one object at a time');
    expect(disabledReason(del, '', { allowed: false, reason: 'your user may not delete deployments.apps in namespace shop' }, one)).toContain('may not delete');
    expect(disabledReason(scale, '', { allowed: true }, one)).toBe('');
  });

  it('shows only the kind’s actions, disabled with the RBAC reason per verb', async () => {
    fake.api.can.mockImplementation(async (verb: string) =>
      verb === 'delete' ? { allowed: false, reason: 'your user may not delete deployments.apps in namespace shop' } : { allowed: true });
    render(<ActionMenu kind={deployments} context="demo-admin" generation={1} place="details" target={{ namespace: 'shop', names: ['web'] }} />);
    const d = await screen.findByTestId('action-delete');
    await waitFor(() => expect(d.getAttribute('data-disabled-reason')).toContain('may not delete'));
    expect((d as HTMLButtonElement).disabled).toBe(true);
    expect(d.getAttribute('title')).toContain('may not delete');
    await waitFor(() => expect((screen.getByTestId('action-scale') as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('action-drain')).toBeNull();
    expect(fake.api.can).toHaveBeenCalledWith('update', 'deployments', 'shop');
  });

  it('disables every action in a read-only context, with the reason', async () => {
    writeMode.set({ readOnlyContexts: { prod: true } });
    render(<ActionMenu kind={deployments} context="prod" generation={1} place="details" target={{ namespace: 'shop', names: ['web'] }} />);
    for (const id of ['scale', 'undo', 'delete']) {
      const b = (await screen.findByTestId('action-' + id)) as HTMLButtonElement;
      expect(b.disabled).toBe(true);
      expect(b.getAttribute('data-disabled-reason')).toBe('context "prod" is marked read-only (Settings)');
    }
  });

  it('asks for the count before acting on several objects, and runs once for all with what the plan saw', async () => {
    render(<ActionMenu kind={deployments} context="demo-admin" generation={1} place="table" target={{ namespace: 'shop', names: ['a', 'b', 'c'] }} />);
    const button = await screen.findByTestId('action-scale');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    expect(button.textContent).toBe('Scale… (3)');
    fireEvent.click(button);
    expect((await screen.findByTestId('confirm-context')).textContent).toBe('demo-admin');
    expect(screen.getByTestId('confirm-namespace').textContent).toBe('shop');
    expect(screen.getByTestId('confirm-names').textContent).toBe('abc');
    const replicas = (await screen.findByTestId('action-replicas')) as HTMLInputElement;
    await waitFor(() => expect(replicas.value).toBe('1'));
    fireEvent.change(replicas, { target: { value: '3' } });
    await waitFor(() => expect(screen.getByTestId('action-impact').textContent).toContain('a: replicas 1 → 3'));
    const ok = screen.getByTestId('confirm-ok') as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('confirm-type'), { target: { value: '2' } });
    expect(ok.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('confirm-type'), { target: { value: '3' } });
    await waitFor(() => expect(ok.disabled).toBe(false));
    fireEvent.click(ok);
    await waitFor(() => expect(fake.api.runAction).toHaveBeenCalledTimes(1));
    expect(fake.api.runAction.mock.calls[0]![0]).toMatchObject({
      action: 'scale', kind: 'deployments', namespace: 'shop', names: ['a', 'b', 'c'], replicas: 3, observed: { a: '1', b: '1', c: '1' },
    });
    await waitFor(() => expect(screen.queryByTestId('confirm')).toBeNull());
  });

  it('objects selected across namespaces: one confirmation, one plan and one run per namespace, names as namespace/name', async () => {
    fake.api.planAction.mockImplementation(async (req) => ({
      action: req.action, kind: req.kind, namespace: req.namespace,
      objects: req.names.map((name) => ({ name, allowed: true, uid: `${req.namespace}-${name}-uid` })),
      impact: ['Deletes the objects; their dependents follow in the background.'],
    }));
    const target = { namespace: '', names: ['shop/a', 'payments/b', 'shop/c'], mixed: true };
    render(<ActionMenu kind={deployments} context="demo-admin" generation={1} place="table" target={target} />);
    const button = await screen.findByTestId('action-delete');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    expect((await screen.findByTestId('confirm-namespace')).textContent).toBe('shop, payments');
    expect(screen.getByTestId('confirm-names').textContent).toBe('shop/apayments/bshop/c');
    await waitFor(() => expect(fake.api.planAction).toHaveBeenCalledTimes(2));
    expect(fake.api.planAction.mock.calls.map((c) => [c[0].namespace, c[0].names])).toEqual([['shop', ['a', 'c']], ['payments', ['b']]]);
    await waitFor(() => expect(screen.getByTestId('action-impact').textContent).toBe('Deletes the objects; their dependents follow in the background.'));
    fireEvent.change(screen.getByTestId('confirm-type'), { target: { value: '3' } });
    const ok = screen.getByTestId('confirm-ok') as HTMLButtonElement;
    await waitFor(() => expect(ok.disabled).toBe(false));
    fireEvent.click(ok);
    await waitFor(() => expect(fake.api.runAction).toHaveBeenCalledTimes(2));
    expect(fake.api.runAction.mock.calls[0]![0]).toMatchObject({ namespace: 'shop', names: ['a', 'c'], uids: { a: 'shop-a-uid', c: 'shop-c-uid' } });
    expect(fake.api.runAction.mock.calls[1]![0]).toMatchObject({ namespace: 'payments', names: ['b'], uids: { b: 'payments-b-uid' } });
    await waitFor(() => expect(screen.queryByTestId('confirm')).toBeNull());
  });

  it('shows the API’s answer per object as is and keeps the dialog open', async () => {
    fake.api.runAction.mockResolvedValue({ objects: [{ name: 'web', error: 'deployments.apps "web" is forbidden: User "v" cannot update resource "deployments/scale"' }] });
    render(<ActionMenu kind={deployments} context="demo-admin" generation={1} place="details" target={{ namespace: 'shop', names: ['web'] }} />);
    const button = await screen.findByTestId('action-scale');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    await waitFor(() => expect((screen.getByTestId('confirm-ok') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('confirm-ok'));
    expect((await screen.findByTestId('confirm-error')).textContent).toBe(
      'web: deployments.apps "web" is forbidden: User "v" cannot update resource "deployments/scale"');
  });

  it('types the name for a kind that asks for it, the count for several', () => {
    const named = { ...del, confirmName: true };
    expect(typeToConfirm(named, ['shop'])).toBe('shop');
    expect(typeToConfirm(del, ['web'])).toBeUndefined();
    expect(typeToConfirm(del, ['a', 'b'])).toBe('2');
    expect(typeToConfirm(named, ['a', 'b'])).toBe('2');
  });
});

describe('drain progress', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('reads the status again on its drain’s notices, names the blocking budget, and cancels', async () => {
    const { DrainProgress } = await import('./DrainProgress');
    fake.api.drainStatus.mockResolvedValue({ id: 'd1', generation: 1, node: 'n1', state: 'running', version: 2,
      pods: [{ namespace: 'shop', name: 'db-0', state: 'pending' }] });
    render(<DrainProgress id="d1" generation={1} node="n1" onClose={() => {}} />);
    expect((await screen.findByTestId('drain-pod')).getAttribute('data-state')).toBe('pending');
    fake.api.drainStatus.mockResolvedValue({ id: 'd1', generation: 1, node: 'n1', state: 'running', version: 3,
      pods: [{ namespace: 'shop', name: 'db-0', state: 'blocked', budget: 'db-pdb', reason: 'Cannot evict pod' }] });
    fake.drainChanged('other');
    fake.drainChanged('d1', 7); // another session's
    await Promise.resolve();
    expect(fake.api.drainStatus).toHaveBeenCalledTimes(1);
    fake.drainChanged('d1');
    await waitFor(() => expect(screen.getByTestId('drain-pod').getAttribute('data-budget')).toBe('db-pdb'));
    expect(screen.getByTestId('drain-pod').textContent).toContain('PodDisruptionBudget db-pdb');
    fireEvent.click(screen.getByTestId('drain-cancel'));
    expect(fake.api.cancelDrain).toHaveBeenCalledWith('d1');
    fake.api.drainStatus.mockResolvedValue({ id: 'd1', generation: 1, node: 'n1', state: 'cancelled', version: 4, message: 'cancelled; the node stays cordoned',
      pods: [{ namespace: 'shop', name: 'db-0', state: 'blocked', budget: 'db-pdb' }] });
    fake.drainChanged('d1');
    await waitFor(() => expect(screen.getByTestId('drain-progress').getAttribute('data-state')).toBe('cancelled'));
    expect(screen.getByTestId('drain-message').textContent).toBe('cancelled; the node stays cordoned');
    expect(screen.queryByTestId('drain-cancel')).toBeNull();
    expect(screen.getByTestId('drain-close')).toBeTruthy();
  });
});

describe('changed since the plan', () => {
  beforeEach(() => {
    fake.reset();
    writeMode.set({});
    fake.api.can.mockImplementation(async () => ({ allowed: true }));
  });
  afterEach(cleanup);

  it('shows the refusal and plans again', async () => {
    fake.api.runAction.mockResolvedValue({ objects: [{ name: 'web', changed: true, error: 'web changed since you looked: it was 1 replicas, it is now 5; look at the new plan' }] });
    render(<ActionMenu kind={deployments} context="demo-admin" generation={1} place="details" target={{ namespace: 'shop', names: ['web'] }} />);
    const button = await screen.findByTestId('action-scale');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(button);
    await waitFor(() => expect((screen.getByTestId('confirm-ok') as HTMLButtonElement).disabled).toBe(false));
    const plans = fake.api.planAction.mock.calls.length;
    fireEvent.click(screen.getByTestId('confirm-ok'));
    expect((await screen.findByTestId('confirm-error')).textContent).toContain('changed since you looked');
    await waitFor(() => expect(fake.api.planAction.mock.calls.length).toBeGreaterThan(plans));
  });
});
