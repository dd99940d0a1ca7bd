import type { ListPosition } from '@cobrowse/contracts';

/** A position in an index: a list position (time, id), listed newest first, stored in ascending order. */
export type IndexKey = ListPosition;

/** Ascending index order: older first, then by id. */
export function compareKeys(a: IndexKey, b: IndexKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}
