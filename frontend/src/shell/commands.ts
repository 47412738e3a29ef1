import type { KindInfo } from '../api';
import type { Command } from './Palette';

/**
 * kindCommands are the palette's "Go to" commands, one per kind of the
 * session: found by label, API kind, plural resource and short names (and a
 * custom kind by its API group), hinted with where the navigation lists it.
 */
export function kindCommands(kinds: KindInfo[], pick: (id: string) => void): Command[] {
  return kinds.map((k) => ({
    id: 'kind:' + k.id,
    group: 'Go to',
    label: k.label,
    hint: k.custom ? `${k.nav} · ${k.apiGroup || 'core'}` : k.nav,
    keywords: [k.kind, k.resource, ...(k.shortNames ?? []), ...(k.custom && k.apiGroup ? [k.apiGroup] : [])],
    disabled: k.unavailable || undefined,
    run: () => pick(k.id),
  }));
}
