import type { KindStatus } from '../api';
import { GROUPS, KINDS } from '../kinds';
import { count } from '../time';

interface Props {
  kind: string;
  kinds: KindStatus[];
  /** inNamespace is set when the kinds' namespaceCount counts the namespace the user looks at. */
  inNamespace?: boolean;
  onPick: (kind: string) => void;
}

/**
 * Nav lists the kinds by group, with the count the session knows for each:
 * in the namespace picked, for namespaced kinds, once the session counts there.
 */
export function Nav({ kind, kinds, inNamespace, onPick }: Props) {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  return (
    <nav className="sidebar" aria-label="Resource kinds">
      {GROUPS.map((g) => (
        <section key={g}>
          <h2 className="nav-group">{g}</h2>
          <ul>
            {KINDS.filter((k) => k.group === g).map((k) => {
              const st = byKind.get(k.id);
              const n = st && (inNamespace && k.namespaced ? st.namespaceCount : st.count);
              // A count is shown once listed, or while listing if some arrived.
              const known = st && (st.state === 'synced' || (st.state === 'syncing' && st.count > 0));
              return (
                <li key={k.id}>
                  <button
                    type="button"
                    className={'nav-item' + (k.id === kind ? ' active' : '')}
                    aria-current={k.id === kind ? 'page' : undefined}
                    data-testid={'nav-' + k.id}
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
            })}
          </ul>
        </section>
      ))}
    </nav>
  );
}
