import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  parseSessionEvent,
  sessionEventSubject,
  sessionHistorySubject,
  type AnySessionEvent,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { EventLog, TenantStreams } from '@cobrowse/messaging';
import { evolve } from '@cobrowse/session-domain';

/** A session as the log says it is, with what is needed to append to it safely. */
export interface SessionHistory {
  snapshot: SessionSnapshot | null;
  /** event_id → version, for idempotency that lasts as long as the log keeps the session. */
  eventVersions: Map<string, number>;
  /** Stream sequence of the session's last event; 0 when it has none. */
  lastSeq: number;
}

/** The session event log on JetStream: read a session's history, append with optimistic concurrency. */
@Injectable()
export class SessionEventStore implements OnModuleInit {
  private readonly logger = new Logger(SessionEventStore.name);

  constructor(
    private readonly log: EventLog,
    private readonly tenantStreams: TenantStreams,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.log.ensureLog();
  }

  async read(tenant: string, sessionId: string): Promise<SessionHistory> {
    const stored = await this.log.readAll(sessionHistorySubject(tenant, sessionId));
    const history: SessionHistory = { snapshot: null, eventVersions: new Map(), lastSeq: 0 };
    for (const message of stored) {
      history.lastSeq = message.seq;
      const parsed = parseSessionEvent(message.data);
      const event = 'event' in parsed ? parsed.event : null;
      const expected = (history.snapshot?.version ?? 0) + 1;
      if (!event || event.version !== expected || event.session_id !== sessionId || event.tenant !== tenant) {
        this.logger.warn({
          msg: 'skipping a message that is not the next event of its session',
          seq: message.seq,
        });
        continue;
      }
      history.snapshot = evolve(history.snapshot, event);
      history.eventVersions.set(event.event_id, event.version);
    }
    return history;
  }

  /** Whether the session's last event in the log is still the one at `lastSeq` (one direct get). */
  async isCurrent(tenant: string, sessionId: string, lastSeq: number): Promise<boolean> {
    return this.log.isLast(sessionHistorySubject(tenant, sessionId), lastSeq);
  }

  /**
   * Appends one event if the session's last event is still `expectedLastSeq`.
   * Returns the new stream sequence, or `duplicate: true` when JetStream's duplicate
   * window already holds this event id for this session.
   */
  async append(
    event: AnySessionEvent,
    expectedLastSeq: number,
  ): Promise<{ seq: number; duplicate: boolean }> {
    this.tenantStreams.ensureSoon(event.tenant);
    return this.log.append(
      sessionEventSubject(event.tenant, event.session_id, event.type),
      JSON.stringify(event),
      {
        // The expected position is part of the id: a retry after a lost race is a new append,
        // never a "duplicate in process" of itself on a clustered server.
        msgID: `${event.tenant}/${event.session_id}/${event.event_id}@${expectedLastSeq}`,
        expectLast: { filter: sessionHistorySubject(event.tenant, event.session_id), seq: expectedLastSeq },
      },
    );
  }
}
