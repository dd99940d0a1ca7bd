import type { SessionSnapshot } from '@cobrowse/contracts';

/** Sessions kept at most, and pages in all of them (a long session counts for its pages). */
const MAX_SESSIONS = 20_000;
const MAX_PAGES = 200_000;

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
 * Least recently written go first. The owner forgets a session whose write failed or that was
 * deleted, and everything whenever leadership changes (another writer may have been at work).
 */
export class WrittenSessions {
  private readonly sessions = new Map<string, StoredSession>();
  private pages = 0;

  get(key: string): StoredSession | undefined {
    return this.sessions.get(key);
  }

  set(key: string, stored: StoredSession): void {
    this.forget(key);
    this.sessions.set(key, stored);
    this.pages += stored.snapshot.pages.length;
    for (const [oldest, session] of this.sessions) {
      if (this.sessions.size <= MAX_SESSIONS && this.pages <= MAX_PAGES) break;
      this.sessions.delete(oldest);
      this.pages -= session.snapshot.pages.length;
    }
  }

  forget(key: string): void {
    const stored = this.sessions.get(key);
    if (!stored) return;
    this.sessions.delete(key);
    this.pages -= stored.snapshot.pages.length;
  }

  clear(): void {
    this.sessions.clear();
    this.pages = 0;
  }
}
