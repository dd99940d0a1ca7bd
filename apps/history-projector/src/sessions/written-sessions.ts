import type { SessionSnapshot } from '@cobrowse/contracts';
import { WrittenCache } from '@cobrowse/persistence';

/**
 * What the kept sessions may weigh: a session counts as SESSION_WEIGHT pages plus its own, so
 * about 20,000 short sessions or 200 of 1,000 pages (a page is ~200 bytes, a session's rest
 * about ten times that).
 */
const MAX_WEIGHT = 200_000;
const SESSION_WEIGHT = 10;

/** A session as stored: the snapshot, and the pages of it already in chunk documents. */
export interface StoredSession {
  snapshot: SessionSnapshot;
  version: number;
  /** Pages already in chunk documents (or inline): later ones are written with the next change. */
  pagesStored: number;
}

/**
 * The sessions the projection's leader wrote last, as it wrote them: a session changes over
 * many batches, and the leader, the read model's one writer, need not read back what it wrote.
 * Bounded by their weight in pages (MAX_WEIGHT). The owner forgets a session
 * whose write failed or that was deleted, and everything whenever leadership changes (another
 * writer may have been at work).
 */
export class WrittenSessions extends WrittenCache<StoredSession> {
  constructor() {
    super(MAX_WEIGHT, (stored) => SESSION_WEIGHT + stored.snapshot.pages.length);
  }
}
