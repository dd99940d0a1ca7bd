import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { evolve } from '@cobrowse/session-domain';
import type { SessionsRepository } from '../sessions/sessions.repository';

const MAX_CACHED = 10_000;

interface Entry {
  snapshot: SessionSnapshot | null;
  /** Version of the document as stored (0: none yet). */
  stored: number;
}

/**
 * The rebuild's writer: it is the only writer of the collection it fills, so it folds each
 * batch of events per session in memory and writes every touched session once per batch
 * instead of once per event.
 */
export class RebuildWriter {
  private readonly sessions = new Map<string, Entry>();

  constructor(private readonly repository: SessionsRepository) {}

  /** False for an event that cannot follow what the session has (a gap, or unfoldable). */
  async apply(event: AnySessionEvent): Promise<boolean> {
    const key = `${event.tenant}/${event.session_id}`;
    let entry = this.sessions.get(key);
    if (!entry) {
      const current = await this.repository.findById(event.tenant, event.session_id);
      entry = { snapshot: current, stored: current?.version ?? 0 };
      this.sessions.set(key, entry);
    }
    const have = entry.snapshot?.version ?? 0;
    if (event.version <= have) return true;
    if (event.version !== have + 1) return false;
    try {
      entry.snapshot = evolve(entry.snapshot, event);
      return true;
    } catch {
      return false;
    }
  }

  async flush(): Promise<void> {
    for (const entry of this.sessions.values()) {
      const snapshot = entry.snapshot;
      if (!snapshot || snapshot.version === entry.stored) continue;
      if (entry.stored === 0) {
        if (!(await this.repository.insert(snapshot))) await this.repository.replaceIfVersion(snapshot, 0);
      } else {
        await this.repository.replaceIfVersion(snapshot, entry.stored);
      }
      entry.stored = snapshot.version;
    }
    if (this.sessions.size > MAX_CACHED) this.sessions.clear();
  }
}
