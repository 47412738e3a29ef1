import { useEffect, useState } from 'react';
import { api, errorMessage, type KindAction, type KindInfo } from '../api';
import { useReadOnly } from '../writes/writeMode';
import { ActionDialog } from './ActionDialog';
import type { ActionTarget } from './target';

interface Props {
  kind: KindInfo;
  context: string;
  generation: number;
  target: ActionTarget;
  /** where the menu is: "details" or "table", in its test ids. */
  place: 'details' | 'table';
  /** onDone hears that an action ran (the selection may be cleared). */
  onDone?: () => void;
}

type Perm = { allowed: boolean; reason?: string };

/** permKind is the kind whose RBAC an action needs: its own, or the resource it creates (pods/eviction, jobs). */
const permKind = (kind: KindInfo, a: KindAction) => (a.resource === kind.resource ? kind.id : a.resource);

/**
 * disabledReason is why an action cannot be offered now, '' when it can:
 * the context is read-only, RBAC denies its verb, it does not apply to
 * several objects, or the objects are in several namespaces.
 */
export function disabledReason(a: KindAction, readOnly: string, perm: Perm | undefined, target: ActionTarget): string {
  if (readOnly) return readOnly;
  if (target.names.length > 1 && !a.bulk) return `${a.title.replace('…', '')} applies to one object at a time`;
  if (perm && !perm.allowed && !target.mixed) return perm.reason || 'Not allowed';
  return '';
}

/**
 * ActionMenu offers the actions the kind declares (KindInfo.actions; the
 * page names no kind), each disabled with its reason when the context is
 * read-only or RBAC denies it. Choosing one opens its confirmation.
 */
export function ActionMenu({ kind, context, generation, target, place, onDone }: Props) {
  const readOnly = useReadOnly(context);
  const [perms, setPerms] = useState<Record<string, Perm>>({});
  const [open, setOpen] = useState<KindAction | null>(null);
  const actions = kind.actions ?? [];
  const ns = target.namespace;
  const permKey = actions.map((a) => a.verb + ':' + permKind(kind, a)).join(',');
  useEffect(() => {
    let live = true;
    setPerms({});
    const seen = new Map<string, Promise<Perm>>();
    for (const a of actions) {
      const k = a.verb + ':' + permKind(kind, a);
      if (!seen.has(k)) {
        seen.set(
          k,
          api.can(a.verb, permKind(kind, a), ns).catch((e: unknown) => ({ allowed: false, reason: errorMessage(e) })),
        );
      }
      seen.get(k)!.then((p) => live && setPerms((m) => ({ ...m, [a.id]: p })));
    }
    return () => {
      live = false;
    };
  }, [generation, kind.id, ns, permKey]);
  if (actions.length === 0 || target.names.length === 0) return null;
  return (
    <div className="action-menu" role="toolbar" aria-label="Actions" data-testid={place + '-actions'}>
      {actions.map((a) => {
        const why = disabledReason(a, readOnly, perms[a.id], target);
        return (
          <span key={a.id} className="action-item">
            <button
              type="button"
              className={'button small' + (a.danger ? ' danger-outline' : '')}
              data-testid={'action-' + a.id}
              data-disabled-reason={why || undefined}
              disabled={why !== '' || perms[a.id] === undefined}
              title={why || (perms[a.id] === undefined ? 'Checking access…' : a.title)}
              onClick={() => setOpen(a)}
            >
              {a.title}
              {target.names.length > 1 ? ` (${target.names.length})` : ''}
            </button>
          </span>
        );
      })}
      {open && (
        <ActionDialog
          key={open.id}
          action={open}
          kind={kind}
          context={context}
          generation={generation}
          target={target}
          readOnly={readOnly}
          onClose={() => setOpen(null)}
          onDone={onDone}
        />
      )}
    </div>
  );
}
