import { compareKeys, type IndexKey } from './index-key';
import type { IndexShape } from './index-shape';

/** A page holds at most this many rows, and about this much JSON. */
export const MAX_PAGE_ROWS = 500;
export const MAX_PAGE_BYTES = 1024 * 1024;

/**
 * One index page as the directory knows it: the rows with keys from `lo` up to the next
 * page's `lo` live in page `n`, and its counters.
 */
export interface PageEntry<Counts> {
  n: number;
  lo: IndexKey;
  counts: Counts;
  /** The stamp of the page's stored rows (read-pages.ts), when a version that stamps wrote it. */
  stamp?: string;
}

/** A tenant's index pages in ascending key order, with the number the next new page gets. */
export interface IndexDirectory<Counts> {
  pages: PageEntry<Counts>[];
  next_n: number;
  /** The shape's `version` when this directory began; absent when an earlier version began it. */
  since?: number;
  /**
   * No longer kept (it grew past what its owner keeps: IndexPagesStore.editMany's `closeWhen`):
   * it has no pages, an edit changes nothing, and a reader must find its rows another way.
   */
  closed?: boolean;
}

/** Rows in ascending key order. */
export interface IndexPage<Row> {
  n: number;
  rows: Row[];
}

/** The directory position of the page that holds `key`: the last page starting at or before it (the first page for a key before all). */
export function pageIndexFor(directory: IndexDirectory<unknown>, key: IndexKey): number {
  let low = 0;
  let high = directory.pages.length - 1;
  let found = 0;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (compareKeys(directory.pages[mid].lo, key) <= 0) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/**
 * The rows of the page at directory position `index` that belong to it. A page may still hold
 * rows a split moved to a newer page (when the split was interrupted before the old page was
 * trimmed): those are the newer page's, and ignored here.
 */
export function rowsInRange<Row>(
  shape: Pick<IndexShape<Row, unknown>, 'keyOf'>,
  directory: IndexDirectory<unknown>,
  index: number,
  page: IndexPage<Row>,
): Row[] {
  const lo = directory.pages[index].lo;
  const next = directory.pages[index + 1]?.lo;
  return page.rows.filter((row) => {
    const key = shape.keyOf(row);
    return (index === 0 || compareKeys(key, lo) >= 0) && (next === undefined || compareKeys(key, next) < 0);
  });
}

/** Binary search for a key in ascending rows: its index, or where it would go (as `~index`). */
export function findRow<Row>(
  shape: Pick<IndexShape<Row, unknown>, 'keyOf'>,
  rows: readonly Row[],
  key: IndexKey,
): number {
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const c = compareKeys(shape.keyOf(rows[mid]), key);
    if (c === 0) return mid;
    if (c < 0) low = mid + 1;
    else high = mid - 1;
  }
  return ~low;
}
