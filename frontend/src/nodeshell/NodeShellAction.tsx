import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, errorMessage, type Permission } from '../api';
import { settingsSaved } from '../shell/settingsSaved';
import type { TerminalSubject } from '../terminal/TerminalView';
import { NodeShellDialog } from './NodeShellDialog';

interface Props {
  generation: number;
  context: string;
  node: string;
  onOpen: (s: TerminalSubject) => void;
  /** onSettings opens the Settings panel (where node shells are enabled). */
  onSettings?: () => void;
}

/**
 * NodeShellAction offers a shell on a node: enabled once the settings allow
 * node shells in the context and the user may create, exec into, watch and
 * delete pods in their namespace; otherwise disabled, with the reason.
 * Clicking shows the pod first (NodeShellDialog); confirming opens the
 * shell in the dock, which creates the pod.
 */
export function NodeShellAction({ generation, context, node, onOpen, onSettings }: Props) {
  const saved = useSyncExternalStore(settingsSaved.subscribe, settingsSaved.get);
  const [perm, setPerm] = useState<Permission | null>(null);
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    let live = true;
    setPerm(null);
    api.canNodeShell().then(
      (p) => live && setPerm(p),
      (e: unknown) => live && setPerm({ allowed: false, reason: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [generation, saved]);
  const denied = perm !== null && !perm.allowed;
  const off = denied && /in Settings$/.test(perm.reason ?? '');
  return (
    <>
      <button
        type="button"
        className="link-button dock-terminal"
        data-testid="details-node-shell"
        disabled={!perm?.allowed}
        title={perm === null ? 'Checking access…' : perm.allowed ? 'Open a root shell on this node (shows the pod first)' : perm.reason}
        onClick={() => setAsking(true)}
      >
        Node shell…
      </button>
      {denied && (
        <span className="muted terminal-denied" data-testid="details-node-shell-denied" title={perm.reason}>
          {perm.reason}
          {off && onSettings && (
            <>
              {' '}
              <button type="button" className="link-button" data-testid="details-node-shell-settings" onClick={onSettings}>
                Open Settings
              </button>
            </>
          )}
        </span>
      )}
      {asking && (
        <NodeShellDialog
          node={node}
          context={context}
          onCancel={() => setAsking(false)}
          onConfirm={(plan) => {
            setAsking(false);
            onOpen({ kind: 'nodes', namespace: '', name: node, nodeShell: { planId: plan.id, namespace: plan.namespace, pod: plan.pod } });
          }}
        />
      )}
    </>
  );
}
