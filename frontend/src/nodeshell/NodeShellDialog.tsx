import { useEffect, useState } from 'react';
import { api, errorMessage, type NodeShellPlan } from '../api';
import { useEscape } from '../useEscape';

interface Props {
  node: string;
  /** The context the node shell opens in, named before anything is planned. */
  context: string;
  onCancel: () => void;
  /** onConfirm opens the planned pod's shell (the dock creates the pod). */
  onConfirm: (plan: NodeShellPlan) => void;
}

/** privileges lists what the pod may do on the node, each in words. */
export function privileges(p: NodeShellPlan): string[] {
  const out: string[] = [];
  if (p.privileged) out.push('privileged container (every capability, every device of the node)');
  if (p.hostPID) out.push("host PID namespace (sees and signals every process of the node)");
  if (p.hostNetwork) out.push("host network (the node's interfaces and ports)");
  if (p.hostIPC) out.push("host IPC namespace (the node's shared memory)");
  return out;
}

const words = (cmd: string[] | undefined) => (cmd ?? []).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
const pairs = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k}: ${v}`);

/**
 * NodeShellDialog shows the exact pod a node shell would create before
 * anything is created: the server has checked it in a dry run. It names
 * the context, the namespace, the pod, its image and node, each privilege,
 * the commands, labels and annotations, and the pod's YAML (read-only).
 * Everything is rendered as text.
 */
export function NodeShellDialog({ node, context, onCancel, onConfirm }: Props) {
  const [plan, setPlan] = useState<NodeShellPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEscape(onCancel, true);
  useEffect(() => {
    let live = true;
    setPlan(null);
    setError(null);
    api.planNodeShell(node).then(
      (p) => live && setPlan(p),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [node]);
  const ctx = plan?.context ?? context;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <section className="palette settings node-shell" role="dialog" aria-label={`Node shell on ${node}`} data-testid="node-shell-dialog">
        <header className="settings-head">
          <h2>Shell on node {node}</h2>
          <button type="button" className="link-button" onClick={onCancel} aria-label="Cancel the node shell">
            Cancel
          </button>
        </header>
        <div className="settings-body">
          <p className="node-shell-warning" data-testid="node-shell-warning">
            This creates a privileged pod on node {node} in context {ctx}. A shell in it is root on the node: it can read every
            container's files and secrets, change the node and stop its kubelet. The pod is deleted when the shell's tab is closed or
            its shell exits.
          </p>
          {!plan && !error && (
            <p className="muted" role="status">
              Asking the server to check the pod (a dry run; nothing is created)…
            </p>
          )}
          {error && (
            <p className="panel-error" role="alert" data-testid="node-shell-error">
              {error}
            </p>
          )}
          {plan && (
            <>
              <p className="muted" data-testid="node-shell-checked">
                The server accepted this pod in a dry run; nothing has been created yet.
              </p>
              <dl className="kv node-shell-facts" data-testid="node-shell-plan">
                <Fact label="Context" value={plan.context} id="context" />
                <Fact label="Node" value={plan.node} id="node" />
                <Fact label="Namespace" value={plan.namespace} id="namespace" />
                <Fact label="Pod" value={plan.pod} id="pod" />
                <Fact label="Image" value={plan.image} id="image" />
                <Fact label="Privileges" value={privileges(plan).join('\n') || 'none'} id="privileges" />
                <Fact label="Tolerations" value={plan.tolerations} id="tolerations" />
                <Fact label="Pod command" value={words(plan.command)} id="command" />
                <Fact label="Shell" value={words(plan.shell)} id="shell" />
                <Fact label="Labels" value={pairs(plan.labels).join('\n')} id="labels" />
                <Fact label="Annotations" value={pairs(plan.annotations).join('\n')} id="annotations" />
                {plan.user && <Fact label="Opened as" value={plan.user} id="user" />}
              </dl>
              {(plan.warnings ?? []).length > 0 && (
                <ul className="node-shell-warnings" data-testid="node-shell-warnings">
                  {(plan.warnings ?? []).map((w, i) => (
                    <li key={i}>Warning from the server: {w}</li>
                  ))}
                </ul>
              )}
              <h3 className="settings-label">Pod YAML (read-only)</h3>
              <pre className="node-shell-yaml" data-testid="node-shell-yaml">
                {plan.yaml}
              </pre>
            </>
          )}
          <div className="settings-actions">
            <button type="button" className="button primary" data-testid="node-shell-create" disabled={!plan} onClick={() => plan && onConfirm(plan)}>
              Create pod and open shell
            </button>
            <button type="button" className="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </div>
      </section>
    </div>
  );
}

function Fact({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="kv-row">
      <dt>{label}</dt>
      <dd data-testid={'node-shell-' + id}>{value}</dd>
    </div>
  );
}
