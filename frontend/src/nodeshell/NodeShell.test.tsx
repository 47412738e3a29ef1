import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, nodeShellPlan } from '../test/fakeBackend';
import { settingsSaved } from '../shell/settingsSaved';
import { LeftoverNodeShells } from './Leftovers';
import { NodeShellAction } from './NodeShellAction';
import { NodeShellDialog, privileges } from './NodeShellDialog';
import { openNodeShellOnce } from '../terminal/openNodeShell';

vi.mock('../api', async (importOriginal) => {
  const real = await importOriginal<typeof import('../api')>();
  const { fake } = await import('../test/fakeBackend');
  return { ...real, api: fake.api };
});

const XSS = '<img src=x onerror="window.__crowsnestXSS(1)">';

describe('NodeShellDialog', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('shows the exact pod before anything is created: context, namespace, pod, image, node, each privilege, the YAML', async () => {
    const onConfirm = vi.fn();
    render(<NodeShellDialog node="node-1" context="demo-admin" onCancel={() => {}} onConfirm={onConfirm} />);
    const dialog = screen.getByTestId('node-shell-dialog');
    expect(dialog.textContent).toContain('privileged pod on node node-1 in context demo-admin');
    expect((screen.getByTestId('node-shell-create') as HTMLButtonElement).disabled).toBe(true);
    await screen.findByTestId('node-shell-plan');
    expect(fake.api.planNodeShell).toHaveBeenCalledWith('node-1');
    const fact = (id: string) => screen.getByTestId('node-shell-' + id).textContent;
    expect(fact('context')).toBe('demo-admin');
    expect(fact('namespace')).toBe('kube-system');
    expect(fact('pod')).toBe('crowsnest-node-shell-node-1-x7k2p');
    expect(fact('image')).toBe('busybox:1.36');
    expect(fact('node')).toBe('node-1');
    expect(fact('privileges')).toBe(privileges(nodeShellPlan('node-1')).join('\n'));
    expect(fact('privileges')).toMatch(/^privileged container.*\nhost PID namespace.*\nhost network.*\nhost IPC namespace/);
    expect(fact('tolerations')).toBe('every taint');
    expect(fact('command')).toBe('sleep 86400');
    expect(fact('shell')).toBe("nsenter -t 1 -m -u -i -n -p -- sh -c 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'");
    expect(fact('labels')).toBe('app.kubernetes.io/managed-by: crowsnest\ncrowsnest.dev/node-shell: node-1');
    expect(screen.getByTestId('node-shell-yaml').textContent).toContain('nodeName: node-1');
    expect(screen.getByTestId('node-shell-checked').textContent).toContain('dry run');

    fireEvent.click(screen.getByTestId('node-shell-create'));
    expect(onConfirm).toHaveBeenCalledWith(expect.objectContaining({ id: 'g1p1', pod: 'crowsnest-node-shell-node-1-x7k2p' }));
  });

  it('renders everything from the cluster as text, never markup', async () => {
    fake.api.planNodeShell.mockResolvedValue(
      nodeShellPlan('node-1', { image: XSS, labels: { app: XSS }, annotations: { note: XSS }, yaml: XSS, warnings: [XSS], user: XSS }),
    );
    render(<NodeShellDialog node="node-1" context="demo-admin" onCancel={() => {}} onConfirm={() => {}} />);
    await screen.findByTestId('node-shell-plan');
    const dialog = screen.getByTestId('node-shell-dialog');
    expect(dialog.querySelector('img')).toBeNull();
    expect(screen.getByTestId('node-shell-yaml').textContent).toBe(XSS);
    expect(screen.getByTestId('node-shell-warnings').textContent).toContain(XSS);
    expect(fake.api.planNodeShell).toHaveBeenCalledTimes(1);
  });

  it("shows the server's refusal, and creates nothing", async () => {
    fake.api.planNodeShell.mockRejectedValue('the server refused the node shell pod in a dry run: pods "x" is forbidden: violates PodSecurity "baseline:latest"');
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    render(<NodeShellDialog node="node-1" context="demo-admin" onCancel={onCancel} onConfirm={onConfirm} />);
    expect((await screen.findByTestId('node-shell-error')).textContent).toContain('violates PodSecurity');
    expect((screen.getByTestId('node-shell-create') as HTMLButtonElement).disabled).toBe(true);
    // Escape closes the dialog, not the details panel around it: the
    // app's shortcuts on the window see it handled.
    let handled: boolean | null = null;
    const onWindow = (e: KeyboardEvent) => {
      handled = e.defaultPrevented;
    };
    window.addEventListener('keydown', onWindow);
    fireEvent.keyDown(document, { key: 'Escape' });
    window.removeEventListener('keydown', onWindow);
    expect(onCancel).toHaveBeenCalled();
    expect(handled).toBe(true);
    expect(onConfirm).not.toHaveBeenCalled();
  });
});

describe('NodeShellAction', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  it('is disabled with the reason while the setting is off, and asks again when the settings are saved', async () => {
    fake.api.canNodeShell.mockResolvedValue({ allowed: false, reason: 'Enable node shells for context demo-admin in Settings' });
    const onSettings = vi.fn();
    render(<NodeShellAction generation={1} context="demo-admin" node="node-1" onOpen={() => {}} onSettings={onSettings} />);
    const denied = await screen.findByTestId('details-node-shell-denied');
    expect(denied.textContent).toContain('Enable node shells for context demo-admin in Settings');
    expect((screen.getByTestId('details-node-shell') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('details-node-shell-settings'));
    expect(onSettings).toHaveBeenCalled();
    expect(fake.api.planNodeShell).not.toHaveBeenCalled();

    fake.api.canNodeShell.mockResolvedValue({ allowed: true });
    act(() => settingsSaved.bump());
    await waitFor(() => expect((screen.getByTestId('details-node-shell') as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('details-node-shell-denied')).toBeNull();
  });

  it('shows an RBAC denial without a way to Settings', async () => {
    fake.api.canNodeShell.mockResolvedValue({ allowed: false, reason: 'your user may not create pods (create pods) in namespace kube-system' });
    render(<NodeShellAction generation={1} context="demo-admin" node="node-1" onOpen={() => {}} onSettings={() => {}} />);
    expect((await screen.findByTestId('details-node-shell-denied')).textContent).toContain('may not create pods');
    expect(screen.queryByTestId('details-node-shell-settings')).toBeNull();
  });

  it('opens the dialog, and the confirmed plan in the dock', async () => {
    const onOpen = vi.fn();
    render(<NodeShellAction generation={1} context="demo-admin" node="node-1" onOpen={onOpen} />);
    const button = screen.getByTestId('details-node-shell') as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    await screen.findByTestId('node-shell-plan');
    fireEvent.click(screen.getByTestId('node-shell-create'));
    expect(onOpen).toHaveBeenCalledWith({ kind: 'nodes', namespace: '', name: 'node-1', nodeShell: { planId: 'g1p1', namespace: 'kube-system', pod: 'crowsnest-node-shell-node-1-x7k2p' } });
    expect(screen.queryByTestId('node-shell-dialog')).toBeNull();
    expect(fake.api.openNodeShell).not.toHaveBeenCalled();
  });
});

describe('openNodeShellOnce', () => {
  beforeEach(() => fake.reset());

  it('opens a plan once for views that mount twice, and closes it after the last one', async () => {
    const a = openNodeShellOnce('g1p7', 80, 24);
    a.release();
    const b = openNodeShellOnce('g1p7', 80, 24); // remounted in the same turn
    expect(fake.api.openNodeShell).toHaveBeenCalledTimes(1);
    expect(await b.info).toEqual(await a.info);
    await new Promise((r) => setTimeout(r, 5));
    expect(fake.api.closeTerminal).not.toHaveBeenCalled();
    b.release();
    await waitFor(() => expect(fake.api.closeTerminal).toHaveBeenCalledWith('t1'));
  });
});

describe('LeftoverNodeShells', () => {
  beforeEach(() => fake.reset());
  afterEach(cleanup);

  const pods = [
    { namespace: 'kube-system', name: 'crowsnest-node-shell-node-1-aaaaa', node: 'node-1', phase: 'Running', created: Math.floor(Date.now() / 1000) - 5 * 3600, openedBy: 'alice', session: 'crowsnest on laptop, context demo-admin' },
    { namespace: 'kube-system', name: 'crowsnest-node-shell-node-2-bbbbb', node: 'node-2', phase: 'Running', created: Math.floor(Date.now() / 1000) - 60, openedBy: XSS },
  ];

  it('says nothing when there are none, and asks once per session', async () => {
    const { rerender } = render(<LeftoverNodeShells generation={1} context="demo-admin" connected now={Date.now()} />);
    await waitFor(() => expect(fake.api.nodeShellLeftovers).toHaveBeenCalledTimes(1));
    rerender(<LeftoverNodeShells generation={1} context="demo-admin" connected now={Date.now() + 1000} />);
    expect(screen.queryByTestId('node-shell-leftovers')).toBeNull();
    expect(fake.api.nodeShellLeftovers).toHaveBeenCalledTimes(1);
  });

  it('lists leftovers and deletes them pod by pod after a confirmation, showing each error', async () => {
    fake.api.nodeShellLeftovers.mockResolvedValue({ generation: 2, pods, scope: 'all namespaces' });
    fake.api.deleteNodeShellPod.mockImplementation(async (_g: number, _ns: string, name: string) => {
      if (name.endsWith('bbbbb')) throw 'delete pod kube-system/crowsnest-node-shell-node-2-bbbbb: forbidden';
    });
    const { unmount } = render(<LeftoverNodeShells generation={2} context="demo-admin" connected now={Date.now()} />);
    const banner = await screen.findByTestId('node-shell-leftovers');
    expect(banner.textContent).toContain('2 node shell pods were left running in demo-admin');
    fireEvent.click(screen.getByTestId('node-shell-leftovers-review'));
    const dialog = screen.getByTestId('node-shell-leftovers-dialog');
    const rows = within(dialog).getAllByTestId('node-shell-leftover');
    expect(rows.map((r) => r.dataset.key)).toEqual(['kube-system/crowsnest-node-shell-node-1-aaaaa', 'kube-system/crowsnest-node-shell-node-2-bbbbb']);
    expect(rows[0]!.textContent).toContain('node-1');
    expect(rows[0]!.textContent).toContain('5h');
    expect(rows[0]!.textContent).toContain('alice');
    expect(rows[1]!.textContent).toContain(XSS);
    expect(dialog.querySelector('img')).toBeNull();

    expect(screen.getByTestId('node-shell-leftovers-delete').textContent).toBe('Delete 2 leftover node shell pods');
    fireEvent.click(screen.getByTestId('node-shell-leftovers-delete'));
    expect(fake.api.deleteNodeShellPod).not.toHaveBeenCalled();
    expect(dialog.textContent).toContain('Delete 2 leftover node shell pods in context demo-admin?');
    fireEvent.click(screen.getByTestId('node-shell-leftovers-confirm'));
    await waitFor(() => expect(rows[1]!.dataset.state).toBe('error'));
    expect(rows[0]!.dataset.state).toBe('deleted');
    expect(rows[1]!.textContent).toContain('forbidden');
    expect(fake.api.deleteNodeShellPod.mock.calls).toEqual([
      [2, 'kube-system', 'crowsnest-node-shell-node-1-aaaaa'],
      [2, 'kube-system', 'crowsnest-node-shell-node-2-bbbbb'],
    ]);
    // What is left to delete is the pod that failed.
    expect(screen.getByTestId('node-shell-leftovers-delete').textContent).toBe('Delete 1 leftover node shell pod');
    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('node-shell-leftovers-dialog')).toBeNull());
    expect(screen.getByTestId('node-shell-leftovers').textContent).toContain('A node shell pod was left running');

    // Hidden and shown again (as during a switch) in the same session: not
    // asked again, what was deleted stays deleted.
    unmount();
    render(<LeftoverNodeShells generation={2} context="demo-admin" connected now={Date.now()} />);
    expect((await screen.findByTestId('node-shell-leftovers')).textContent).toContain('A node shell pod was left running');
    expect(fake.api.nodeShellLeftovers).toHaveBeenCalledTimes(1);
  });

  it('drops an answer for another session', async () => {
    fake.api.nodeShellLeftovers.mockResolvedValue({ generation: 4, pods, scope: 'all namespaces' });
    render(<LeftoverNodeShells generation={3} context="demo-admin" connected now={Date.now()} />);
    await waitFor(() => expect(fake.api.nodeShellLeftovers).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.queryByTestId('node-shell-leftovers')).toBeNull();
  });
});
