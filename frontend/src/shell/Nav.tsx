import { useEffect, useMemo, useState } from 'react';
import type { KindInfo, KindStatus } from '../api';
import { count } from '../time';

interface Props {
  kind: string;
  /** The session's kinds in display order (api.kinds). */
  kinds: KindInfo[];
  statuses: KindStatus[];
  /** inNamespace is set when the kinds' namespaceCount counts the namespace the user looks at. */
  inNamespace?: boolean;
  /** Why the kinds could not be listed, if they could not. */
  error?: string | null;
  onPick: (kind: string) => void;
}

interface ApiGroup {
  /** Unique in the navigation: nav group and API group. */
  key: string;
  name: string;
  kinds: KindInfo[];
}

interface NavGroup {
  name: string;
  /** Built-in kinds, listed directly under the group. */
  kinds: KindInfo[];
  /** Kinds learnt from the server, listed under their API group. */
  apiGroups: ApiGroup[];
}

const apiGroupName = (k: KindInfo) => k.apiGroup || 'core';
const apiGroupKey = (k: KindInfo) => `${k.nav}/${apiGroupName(k)}`;

/** navGroups groups the kinds by navigation group, in the order they come, and custom kinds by API group within. */
export function navGroups(kinds: KindInfo[]): NavGroup[] {
  const groups = new Map<string, NavGroup>();
  for (const k of kinds) {
    let g = groups.get(k.nav);
    if (!g) groups.set(k.nav, (g = { name: k.nav, kinds: [], apiGroups: [] }));
    if (!k.custom) {
      g.kinds.push(k);
      continue;
    }
    const key = apiGroupKey(k);
    let a = g.apiGroups.find((x) => x.key === key);
    if (!a) g.apiGroups.push((a = { key, name: apiGroupName(k), kinds: [] }));
    a.kinds.push(k);
  }
  return [...groups.values()];
}

/**
 * Nav lists the kinds by group, with the count the session knows for each
 * kind it has started: in the namespace picked, for namespaced kinds, once
 * the session counts there. Custom kinds sit under their API group, closed
 * but for the group of the kind shown; kinds that cannot be shown are
 * disabled with the reason.
 */
export function Nav({ kind, kinds, statuses, inNamespace, error, onPick }: Props) {
  const groups = useMemo(() => navGroups(kinds), [kinds]);
  const byKind = new Map(statuses.map((k) => [k.kind, k]));
  const current = kinds.find((k) => k.id === kind);
  const currentGroup = current?.custom ? apiGroupKey(current) : '';
  // API groups opened or closed by hand; the current kind's group opens by itself.
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  useEffect(() => {
    setToggled((t) => {
      if (!(currentGroup in t)) return t;
      const { [currentGroup]: _, ...rest } = t;
      return rest;
    });
  }, [currentGroup]);

  const item = (k: KindInfo) => {
    const st = byKind.get(k.id);
    const n = st && (inNamespace && k.namespaced ? st.namespaceCount : st.count);
    // A count is shown once listed, or while listing if some arrived.
    const known = st && (st.state === 'synced' || (st.state === 'syncing' && st.count > 0));
    const unavailable = k.unavailable ?? '';
    return (
      <li key={k.id} title={unavailable || undefined}>
        <button
          type="button"
          className={'nav-item' + (k.id === kind ? ' active' : '') + (unavailable ? ' unavailable' : '')}
          aria-current={k.id === kind ? 'page' : undefined}
          data-testid={'nav-' + k.id}
          disabled={unavailable !== ''}
          title={unavailable || k.label}
          onClick={() => onPick(k.id)}
        >
          <span className="nav-label">{k.label}</span>
          <span
            className={'nav-count' + (st?.state === 'error' || st?.state === 'forbidden' ? ' error' : '')}
            data-testid={'nav-count-' + k.id}
            title={st?.error ?? ''}
          >
            {st?.state === 'error' ? '!' : st?.state === 'forbidden' ? 'no access' : known ? count(n ?? 0) : ''}
          </span>
        </button>
      </li>
    );
  };

  return (
    <nav className="sidebar" aria-label="Resource kinds">
      {kinds.length === 0 && error && (
        <p className="nav-note error" role="alert">
          Cannot list the kinds: {error}
        </p>
      )}
      {groups.map((g) => (
        <section key={g.name} data-nav-group={g.name}>
          <h2 className="nav-group">{g.name}</h2>
          {g.kinds.length > 0 && <ul>{g.kinds.map(item)}</ul>}
          {g.apiGroups.map((a) => {
            const open = toggled[a.key] ?? a.key === currentGroup;
            return (
              <div key={a.key} className="nav-apigroup">
                <button
                  type="button"
                  className="nav-apigroup-head"
                  aria-expanded={open}
                  data-testid={'nav-apigroup-' + a.name}
                  onClick={() => setToggled((t) => ({ ...t, [a.key]: !open }))}
                >
                  <span className={'nav-caret' + (open ? ' open' : '')} aria-hidden="true" />
                  <span className="nav-label">{a.name}</span>
                  <span className="nav-count">{a.kinds.length}</span>
                </button>
                {open && <ul>{a.kinds.map(item)}</ul>}
              </div>
            );
          })}
        </section>
      ))}
    </nav>
  );
}
