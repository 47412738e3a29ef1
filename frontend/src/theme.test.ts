import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyTheme } from './theme';

function fakeMedia(matches: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal('matchMedia', () => media);
  return {
    listeners,
    flip(dark: boolean) {
      media.matches = dark;
      listeners.forEach((l) => l());
    },
  };
}

describe('applyTheme', () => {
  afterEach(() => vi.unstubAllGlobals());
  const theme = () => document.documentElement.dataset.theme;

  it('forces light or dark', () => {
    fakeMedia(true);
    applyTheme('light');
    expect(theme()).toBe('light');
    applyTheme('dark');
    expect(theme()).toBe('dark');
  });

  it('follows the system, live, until stopped', () => {
    const m = fakeMedia(false);
    const stop = applyTheme('system');
    expect(theme()).toBe('light');
    m.flip(true);
    expect(theme()).toBe('dark');
    stop();
    expect(m.listeners.size).toBe(0);
    m.flip(false);
    expect(theme()).toBe('dark');
  });
});
