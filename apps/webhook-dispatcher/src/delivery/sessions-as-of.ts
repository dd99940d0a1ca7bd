import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { EventLog } from '@cobrowse/messaging';
import { evolve } from '@cobrowse/session-domain';

/** Sessions whose custom data is kept at hand (the newest folded; a miss reads the session's history). */
const KEPT = 10_000;

/**
 * A session as of one of its events: its custom data for endpoint filters (SPEC section 11, the
 * list API's `filter_<key>` semantics) and the resource `include_session` sends. Folded from
 * the log with the lifecycle's own `evolve`, so it is exact whatever the read models' lag; a
 * session's next event folds onto the kept one.
 */
@Injectable()
export class SessionsAsOf {
  private readonly kept = new Map<string, SessionSnapshot>();

  constructor(private readonly log: EventLog) {}

  async asOf(event: AnySessionEvent): Promise<SessionSnapshot | null> {
    const key = `${event.tenant}/${event.session_id}`;
    let session = this.kept.get(key) ?? null;
    if (session && session.version === event.version) return session;
    if (event.type === 'session.created' || (session && session.version === event.version - 1))
      session = evolve(session, event);
    else {
      session = null;
      for (const { event: earlier } of await this.log.sessionHistory(event.tenant, event.session_id)) {
        if (earlier.version > event.version) break;
        session = evolve(session, earlier);
      }
      if (!session) return null;
    }
    this.kept.delete(key);
    this.kept.set(key, session);
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    return session;
  }
}
