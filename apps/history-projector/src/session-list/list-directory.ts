import type { SessionState } from '@cobrowse/contracts';
import type { IndexDirectory, IndexPage, IndexShape } from '@cobrowse/persistence';
import { keyOfRow, type ListRow } from './list-row';

export type StateCounts = Record<SessionState, number>;

export const emptyCounts = (): StateCounts => ({ pending: 0, active: 0, ended: 0 });

/** Sessions of these states in a tenant's list (all of them when none are named). */
export function sessionsIn(
  directory: IndexDirectory<StateCounts> | null,
  states: readonly SessionState[] = ['pending', 'active', 'ended'],
): number {
  return (directory?.pages ?? []).reduce(
    (sum, page) => sum + states.reduce((n, state) => n + page.counts[state], 0),
    0,
  );
}

export function countsOf(rows: readonly ListRow[]): StateCounts {
  const counts = emptyCounts();
  for (const row of rows) counts[row.state]++;
  return counts;
}

/**
 * A tenant's list begun at this version (its directory's `since`) has postings for every
 * session (list-postings.repository.ts); one begun earlier gets them from `npm run rebuild`.
 */
export const POSTINGS_SINCE = 2;

/**
 * The sessions list's index pages: rows in creation order, each page's directory entry
 * counting its rows by state (stored as `p`, `a`, `e`), so a count by state reads the
 * directory alone.
 */
export const sessionListShape: IndexShape<ListRow, StateCounts> = {
  version: POSTINGS_SINCE,
  keyOf: keyOfRow,
  countsOf,
  sameCounts: (a, b) => a.pending === b.pending && a.active === b.active && a.ended === b.ended,
  storeCounts: (c) => ({ p: c.pending, a: c.active, e: c.ended }),
  loadCounts: (s) => ({ pending: s.p, active: s.a, ended: s.e }),
};

export type ListDirectory = IndexDirectory<StateCounts>;
export type ListPage = IndexPage<ListRow>;
