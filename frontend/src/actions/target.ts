import type { ActionPlan, ActionResult } from '../api';

/**
 * ActionTarget is what an action applies to: objects of one kind. In one
 * namespace, names are the objects' names; selected across namespaces
 * (mixed), names are "namespace/name" keys and namespace is ''.
 */
export interface ActionTarget {
  /** namespace of every object ('' for cluster-scoped kinds, and when mixed). */
  namespace: string;
  names: string[];
  /** mixed is set when the objects are in more than one namespace. */
  mixed?: boolean;
}

/** A Group is the part of a target in one namespace: what one ActionRequest carries. */
export interface Group {
  namespace: string;
  names: string[];
}

/** groups splits a target by namespace, in the order its objects first appear. */
export function groups(t: ActionTarget): Group[] {
  if (!t.mixed) return [{ namespace: t.namespace, names: t.names }];
  const out: Group[] = [];
  for (const key of t.names) {
    const i = key.indexOf('/');
    const ns = key.slice(0, i);
    const name = key.slice(i + 1);
    let g = out.find((x) => x.namespace === ns);
    if (!g) out.push((g = { namespace: ns, names: [] }));
    g.names.push(name);
  }
  return out;
}

/**
 * mergePlans makes one plan of the plans of a mixed target's groups (in
 * groups' order): objects and per-object impact lines named
 * "namespace/name", other lines once, the first refusal and dry-run
 * answer. A single group's plan is returned as it is.
 */
export function mergePlans(gs: Group[], plans: ActionPlan[]): ActionPlan {
  if (plans.length === 1 && plans[0]) return plans[0];
  const out: ActionPlan = { action: plans[0]?.action ?? '', kind: plans[0]?.kind ?? '', namespace: '', objects: [], impact: [], children: [] };
  plans.forEach((p, i) => {
    const ns = gs[i]?.namespace ?? '';
    for (const o of p.objects ?? []) out.objects!.push({ ...o, name: `${ns}/${o.name}` });
    for (const line of p.impact ?? []) {
      const own = (p.objects ?? []).find((o) => line.startsWith(o.name + ': '));
      const l = own ? `${ns}/${line}` : line;
      if (!out.impact!.includes(l)) out.impact!.push(l);
    }
    out.children!.push(...(p.children ?? []).map((c) => `${ns}: ${c}`));
    out.denied ||= p.denied;
    out.dryRun ||= p.dryRun;
  });
  return out;
}

/** unprefixed is a merged plan object's name within its group. */
export const unprefixed = (g: Group, key: string, mixed: boolean) => (mixed ? key.slice(g.namespace.length + 1) : key);

/** mergeResults names a mixed target's outcomes "namespace/name", in groups' order. */
export function mergeResults(gs: Group[], results: ActionResult[], mixed: boolean): ActionResult {
  if (!mixed) return results[0] ?? { objects: [] };
  return { objects: results.flatMap((r, i) => (r.objects ?? []).map((o) => ({ ...o, name: `${gs[i]?.namespace ?? ''}/${o.name}` }))) };
}
