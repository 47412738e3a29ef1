import { api } from '../api';

/** The font size terminals use until the settings say otherwise (settings.DefaultTerminalFontSize). */
export const DEFAULT_FONT_SIZE = 13;

let size = DEFAULT_FONT_SIZE;
let loaded = false;
const listeners = new Set<() => void>();

/**
 * The terminals' font size, from the settings: read once, then set by the
 * Settings panel when saved, so open terminals follow it.
 */
export const terminalFontSize = {
  get: (): number => size,
  subscribe(cb: () => void): () => void {
    listeners.add(cb);
    if (!loaded) {
      loaded = true;
      api.settings().then(
        (s) => terminalFontSize.set(s.terminal?.fontSize ?? 0),
        () => undefined,
      );
    }
    return () => listeners.delete(cb);
  },
  /** set applies a saved setting; 0 means the default. */
  set(n: number) {
    loaded = true;
    const next = n > 0 ? n : DEFAULT_FONT_SIZE;
    if (next === size) return;
    size = next;
    for (const l of listeners) l();
  },
};
