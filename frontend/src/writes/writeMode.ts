import { useSyncExternalStore } from 'react';
import { api, type Settings } from '../api';

type Writes = NonNullable<Settings['writes']>;

let writes: Writes = {};
let loaded = false;
const listeners = new Set<() => void>();

/**
 * readOnlyReason says why writes to a context are disabled, or '' when
 * they are allowed: the same rule as backend/settings Writes.ReadOnlyReason,
 * which the backend enforces at every write; the page uses it to disable
 * actions with the reason before the user tries.
 */
export function readOnlyReason(w: Writes, context: string): string {
  if (w.readOnly) return 'Crowsnest is in read-only mode (Settings)';
  if (context !== '' && w.readOnlyContexts?.[context]) return `context "${context}" is marked read-only (Settings)`;
  return '';
}

/** writeMode is the read-only settings as the page knows them: read once, then set by the Settings panel when saved. */
export const writeMode = {
  get: (): Writes => writes,
  subscribe(cb: () => void): () => void {
    listeners.add(cb);
    if (!loaded) {
      loaded = true;
      api.settings().then(
        (s) => writeMode.set(s.writes ?? {}),
        () => undefined,
      );
    }
    return () => listeners.delete(cb);
  },
  set(next: Writes) {
    loaded = true;
    writes = next;
    for (const l of listeners) l();
  },
};

/** useReadOnly is why writes to context are disabled now ('' when allowed). */
export function useReadOnly(context: string): string {
  const w = useSyncExternalStore(writeMode.subscribe, writeMode.get);
  return readOnlyReason(w, context);
}
