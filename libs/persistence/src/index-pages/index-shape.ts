import type { IndexKey } from './index-key';

/**
 * What an index keeps per row: its key, and the counters each page's directory entry holds
 * (what a count answers without reading a page), with the flat short-named form they are
 * stored in (the directory is read whole by every count and every list).
 */
export interface IndexShape<Row, Counts> {
  keyOf(row: Row): IndexKey;
  countsOf(rows: readonly Row[]): Counts;
  sameCounts(a: Counts, b: Counts): boolean;
  storeCounts(counts: Counts): Record<string, number>;
  loadCounts(stored: Record<string, number>): Counts;
  /** Rows per page at most (MAX_PAGE_ROWS when absent): smaller pages for rows that change often. */
  maxRows?: number;
  /**
   * Whether an index of one page keeps its rows in the directory document: one document to
   * read and write instead of two, for shapes with many small indexes (IndexPagesStore).
   */
  inlineSinglePage?: boolean;
  /**
   * Stored as `since` in a directory this version begins (kept by every later write, raised
   * by `setSince` once a backfill is done): tells a reader that what this version added beside
   * the index exists for every row, not only for the rows written since an upgrade.
   */
  version?: number;
}
