import type { Row } from '../api';

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/** sameRow says whether two rows from the backend carry the same data. */
export function sameRow(a: Row, b: Row): boolean {
  return (
    a.key === b.key && a.uid === b.uid && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace &&
    a.created === b.created && a.status === b.status && a.health === b.health && sameList(a.cells, b.cells) &&
    sameList(a.images, b.images) && sameMap(a.labels, b.labels)
  );
}
