let version = 0;
const listeners = new Set<() => void>();

/**
 * settingsSaved counts the saves of the Settings panel, so that what
 * depends on a setting the page does not hold (whether node shells are
 * enabled for the context) asks the backend again.
 */
export const settingsSaved = {
  get: (): number => version,
  subscribe(cb: () => void): () => void {
    listeners.add(cb);
    return () => listeners.delete(cb);
  },
  bump() {
    version++;
    for (const l of listeners) l();
  },
};
