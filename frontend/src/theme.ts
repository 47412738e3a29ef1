/** Theme choices stored in the settings; "" and "system" follow the system. */
export type ThemeChoice = '' | 'system' | 'light' | 'dark';

/**
 * applyTheme sets the page's light or dark colours (data-theme on <html>,
 * which style.css keys its dark palette on). For "system" it follows the
 * system's preference, live; it returns the function that stops following.
 */
export function applyTheme(choice: string | undefined): () => void {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const set = () => {
    const dark = choice === 'dark' || (choice !== 'light' && media !== null && media.matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  };
  set();
  if (choice === 'light' || choice === 'dark' || media === null) return () => {};
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
