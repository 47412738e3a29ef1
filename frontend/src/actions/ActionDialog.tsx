import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, type ActionPlan, type ActionRequest, type ActionResult, type DrainOptions, type KindAction, type KindInfo } from '../api';
import { ConfirmDialog } from '../writes/ConfirmDialog';
import { groups, mergePlans, mergeResults, unprefixed, type ActionTarget } from './target';
import { DrainPods, DrainProgress } from './DrainProgress';

interface Props {
  action: KindAction;
  kind: KindInfo;
  context: string;
  generation: number;
  target: ActionTarget;
  readOnly: string;
  onClose: () => void;
  onDone?: () => void;
}

/** The most dependents a delete's confirmation lists before it says how many more. */
const MAX_CHILDREN = 20;

const DRAIN_DEFAULTS: DrainOptions = { ignoreDaemonSets: true, deleteEmptyDir: false, force: false, graceSeconds: -1, timeoutSeconds: 0, waitOnBudget: false };

interface Options {
  replicas: number | null;
  propagation: string;
  grace: string;
  drain: DrainOptions;
  revision: number;
}

/**
 * typeToConfirm is what the user types before an action runs: the count
 * when it applies to several objects, the name when the kind's action asks
 * for it (deleting a Namespace or a Node), else nothing.
 */
export function typeToConfirm(action: KindAction, names: string[]): string | undefined {
  if (names.length > 1) return String(names.length);
  if (action.confirmName) return names[0];
  return undefined;
}

/** request is the ActionRequest for the options chosen. */
export function request(action: KindAction, kind: KindInfo, target: ActionTarget, o: Options): ActionRequest {
  const req: ActionRequest = { action: action.id, kind: kind.id, namespace: target.namespace, names: target.names, drain: o.drain };
  if (action.id === 'scale') req.replicas = o.replicas ?? 0;
  if (action.id === 'delete') {
    req.propagation = o.propagation;
    const g = o.grace.trim();
    if (g !== '' && /^\d+$/.test(g)) req.graceSeconds = Number(g);
  }
  if (action.id === 'undo') req.revision = o.revision;
  return req;
}

/**
 * ActionDialog plans an action (nothing changes: RBAC per object, the
 * impact, a server dry-run), lets the user set its options, and runs it
 * from the one confirmation (ConfirmDialog), with what the plan showed as
 * the precondition. The API's answers are shown as they are. A drain goes
 * on to its progress.
 */
export function ActionDialog({ action, kind, context, generation, target, readOnly, onClose, onDone }: Props) {
  const [o, setO] = useState<Options>({ replicas: null, propagation: 'Background', grace: '', drain: DRAIN_DEFAULTS, revision: 0 });
  const [plan, setPlan] = useState<ActionPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [drainId, setDrainId] = useState<string | null>(null);
  const seq = useRef(0);
  const [replan, setReplan] = useState(0);

  const req = request(action, kind, target, o);
  const reqKey = JSON.stringify(req);
  useEffect(() => {
    const n = ++seq.current;
    const t = setTimeout(
      () => {
        const gs = groups(target);
        Promise.all(gs.map((g) => api.planAction({ ...req, namespace: g.namespace, names: g.names }))).then(
          (ps) => {
            const p = mergePlans(gs, ps);
            if (n !== seq.current) return;
            setPlan(p);
            setPlanError(null);
            // A scale starts from the current count.
            if (action.id === 'scale' && o.replicas === null) {
              const before = Number(p.objects?.[0]?.before ?? '');
              setO((x) => ({ ...x, replicas: Number.isFinite(before) && p.objects?.[0]?.before ? before : 1 }));
            }
          },
          (e: unknown) => n === seq.current && setPlanError(errorMessage(e)),
        );
      },
      plan ? 200 : 0,
    );
    return () => clearTimeout(t);
  }, [reqKey, replan]);

  if (drainId) {
    return <DrainProgress id={drainId} generation={generation} node={target.names[0] ?? ''} onClose={onClose} />;
  }

  const run = () => {
    if (!plan) return;
    setBusy(true);
    setError(null);
    // One request per namespace, one after another, each with what the
    // plan showed of its objects as the precondition.
    const gs = groups(target);
    const mixed = !!target.mixed;
    const runGroup = (g: (typeof gs)[number]) => {
      const observed: Record<string, string> = {};
      const uids: Record<string, string> = {};
      for (const ob of plan.objects ?? []) {
        if (mixed && !ob.name.startsWith(g.namespace + '/')) continue;
        const name = unprefixed(g, ob.name, mixed);
        if (ob.before) observed[name] = ob.before;
        if (ob.uid) uids[name] = ob.uid;
      }
      return api.runAction({ ...req, namespace: g.namespace, names: g.names, observed, uids });
    };
    gs.reduce<Promise<ActionResult[]>>((done, g) => done.then(async (rs) => [...rs, await runGroup(g)]), Promise.resolve([])).then(
      (results) => {
        const res = mergeResults(gs, results, mixed);
        setBusy(false);
        if (res.drain) {
          setDrainId(res.drain);
          return;
        }
        const failed = (res.objects ?? []).filter((x) => x.error);
        if (failed.length === 0) {
          onDone?.();
          onClose();
          return;
        }
        setError(failed.map((x) => `${x.name}: ${x.error}`).join('\n'));
        // Something changed since the plan: show the new one.
        if (failed.some((x) => x.changed)) setReplan((n) => n + 1);
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  };

  const scaling = action.id === 'scale' && o.replicas === null;
  const planned = plan !== null && !scaling;
  const denied = readOnly || plan?.denied || '';
  const objectErrors = (plan?.objects ?? []).filter((x) => x.error);
  const title = `${action.title.replace('…', '')} ${target.names.length > 1 ? `${target.names.length} ${kind.label}` : kind.kind}`;
  return (
    <ConfirmDialog
      title={title}
      context={context}
      namespace={(target.mixed ? groups(target).map((g) => g.namespace).join(', ') : target.namespace) || undefined}
      kind={kind.kind}
      names={target.names}
      confirmLabel={action.title.replace('…', '')}
      danger={action.danger}
      busy={busy}
      error={error ?? planError}
      disabled={
        denied ||
        (!planned ? 'Waiting for the plan…' : undefined) ||
        (objectErrors.length > 0 && objectErrors.length === target.names.length ? 'None of the objects can be acted on (see above).' : undefined)
      }
      typeToConfirm={typeToConfirm(action, target.names)}
      onCancel={onClose}
      onConfirm={run}
      impact={
        <div className="action-impact" data-testid="action-plan" data-planned={planned || undefined}>
          <ActionOptions action={action} o={o} setO={setO} plan={plan} />
          {plan?.impact && plan.impact.length > 0 && (
            <ul className="impact-lines" data-testid="action-impact">
              {plan.impact.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          )}
          {(plan?.objects ?? [])
            .filter((x) => !x.allowed || x.error)
            .map((x) => (
              <p key={x.name} className="error" data-testid="action-object-problem">
                {x.name}: {x.error || x.reason}
              </p>
            ))}
          {plan?.children && plan.children.length > 0 && (
            <div data-testid="action-children">
              <p>{o.propagation === 'Foreground' ? 'Deleted first:' : 'Dependents:'}</p>
              <ul className="confirm-names">
                {plan.children.slice(0, MAX_CHILDREN).map((c) => (
                  <li key={c}>{c}</li>
                ))}
                {plan.children.length > MAX_CHILDREN && <li className="muted">and {plan.children.length - MAX_CHILDREN} more</li>}
              </ul>
            </div>
          )}
          {plan?.pods && plan.pods.length > 0 && <DrainPods pods={plan.pods} />}
          {plan?.dryRun && (
            <p className="error" data-testid="action-dryrun">
              Server dry-run: {plan.dryRun}
            </p>
          )}
        </div>
      }
    />
  );
}

/** ActionOptions are the action's own settings: a scale's count, a delete's propagation and grace, a drain's options, an undo's revision. */
function ActionOptions({ action, o, setO, plan }: { action: KindAction; o: Options; setO: (f: (o: Options) => Options) => void; plan: ActionPlan | null }) {
  switch (action.id) {
    case 'scale':
      return (
        <label className="action-field">
          <span>Replicas</span>
          <input
            type="number"
            min={0}
            data-testid="action-replicas"
            value={o.replicas ?? ''}
            onChange={(e) => {
              const n = Math.max(0, Math.floor(Number(e.target.value)));
              setO((x) => ({ ...x, replicas: Number.isFinite(n) ? n : 0 }));
            }}
          />
        </label>
      );
    case 'delete':
      return (
        <div className="action-fields">
          <label className="action-field">
            <span>Propagation</span>
            <select data-testid="action-propagation" value={o.propagation} onChange={(e) => setO((x) => ({ ...x, propagation: e.target.value }))}>
              <option value="Background">Background: dependents deleted afterwards</option>
              <option value="Foreground">Foreground: dependents deleted first</option>
              <option value="Orphan">Orphan: dependents kept</option>
            </select>
          </label>
          <label className="action-field">
            <span>Grace period (s)</span>
            <input data-testid="action-grace" placeholder="default" value={o.grace} onChange={(e) => setO((x) => ({ ...x, grace: e.target.value }))} />
          </label>
        </div>
      );
    case 'drain': {
      const d = o.drain;
      const box = (key: keyof DrainOptions, label: string) => (
        <label className="action-check">
          <input type="checkbox" data-testid={'drain-' + key} checked={!!d[key]} onChange={(e) => setO((x) => ({ ...x, drain: { ...x.drain, [key]: e.target.checked } }))} />
          {label}
        </label>
      );
      return (
        <div className="action-fields">
          {box('ignoreDaemonSets', 'Ignore DaemonSet pods')}
          {box('deleteEmptyDir', 'Delete emptyDir data')}
          {box('force', 'Force: evict pods no controller manages')}
          {box('waitOnBudget', 'Wait while a PodDisruptionBudget blocks (else stop)')}
          <label className="action-field">
            <span>Grace period (s)</span>
            <input
              data-testid="drain-grace"
              placeholder="the pods' own"
              value={d.graceSeconds < 0 ? '' : String(d.graceSeconds)}
              onChange={(e) => {
                const v = e.target.value.trim();
                setO((x) => ({ ...x, drain: { ...x.drain, graceSeconds: /^\d+$/.test(v) ? Number(v) : -1 } }));
              }}
            />
          </label>
          <label className="action-field">
            <span>Timeout (s)</span>
            <input
              data-testid="drain-timeout"
              placeholder="none"
              value={d.timeoutSeconds ? String(d.timeoutSeconds) : ''}
              onChange={(e) => {
                const v = e.target.value.trim();
                setO((x) => ({ ...x, drain: { ...x.drain, timeoutSeconds: /^\d+$/.test(v) ? Number(v) : 0 } }));
              }}
            />
          </label>
        </div>
      );
    }
    case 'undo': {
      const revs = plan?.revisions ?? [];
      const chosen = revs.find((r) => (o.revision === 0 ? !r.current : r.revision === o.revision));
      return (
        <div className="action-fields">
          <label className="action-field">
            <span>Return to revision</span>
            <select data-testid="action-revision" value={String(chosen?.revision ?? 0)} onChange={(e) => setO((x) => ({ ...x, revision: Number(e.target.value) }))}>
              {revs.map((r) => (
                <option key={r.revision} value={String(r.revision)} disabled={r.current}>
                  {r.revision}
                  {r.current ? ' (current)' : ''} · {r.replicaSet} · {(r.images ?? []).join(', ')}
                </option>
              ))}
            </select>
          </label>
          {chosen?.diff && (
            <pre className="action-diff" data-testid="action-diff">
              {chosen.diff}
            </pre>
          )}
        </div>
      );
    }
  }
  return null;
}
