import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { headers as natsHeaders } from 'nats';
import {
  EVENTS_STREAM,
  sessionEventSubject,
  sessionHistorySubject,
  type AnySessionEvent,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import {
  ensureEventStream,
  eventLogOptions,
  NatsConnectionService,
  publishToLog,
  readBatch,
  readSubject,
  TenantStreams,
} from '@cobrowse/messaging';
import { natsRequestDuration, timed } from '@cobrowse/observability';
import { evolve } from '@cobrowse/session-domain';

/** A session as the log says it is, with what is needed to append to it safely. */
export interface SessionHistory {
  snapshot: SessionSnapshot | null;
  /** event_id → version, for idempotency that lasts as long as the log keeps the session. */
  eventVersions: Map<string, number>;
  /** Stream sequence of the session's last event; 0 when it has none. */
  lastSeq: number;
}

/** Another writer appended to the session since we read it. */
export class ConcurrentAppendError extends Error {
  constructor() {
    super('session changed since it was read');
  }
}

const WRONG_LAST_SEQUENCE = 10071;
/** The same id is being stored by another request right now: re-read and try again. */
const DUPLICATE_IN_PROCESS = 10158;

/** The session event log on JetStream: read a session's history, append with optimistic concurrency. */
@Injectable()
export class SessionEventStore implements OnModuleInit {
  private readonly logger = new Logger(SessionEventStore.name);

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly config: AppConfig,
    private readonly tenantStreams: TenantStreams,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureEventStream(this.nats.jsm, eventLogOptions(this.config));
  }

  async read(tenant: string, sessionId: string): Promise<SessionHistory> {
    const stored = await readSubject(this.nats.nc, EVENTS_STREAM, sessionHistorySubject(tenant, sessionId));
    const history: SessionHistory = { snapshot: null, eventVersions: new Map(), lastSeq: 0 };
    for (const message of stored) {
      history.lastSeq = message.seq;
      const event = this.parse(message.data);
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
    const { events, pending } = await readBatch(
      this.nats.nc,
      EVENTS_STREAM,
      sessionHistorySubject(tenant, sessionId),
      lastSeq,
      1,
    );
    return events[0]?.seq === lastSeq && pending === 0;
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
    const h = natsHeaders();
    h.set(
      'Nats-Expected-Last-Subject-Sequence-Subject',
      sessionHistorySubject(event.tenant, event.session_id),
    );
    try {
      const ack = await timed(natsRequestDuration, 'jetstream', () =>
        publishToLog(
          this.nats.js,
          sessionEventSubject(event.tenant, event.session_id, event.type),
          JSON.stringify(event),
          {
            // The expected position is part of the id: a retry after a lost race is a new
            // append, never a "duplicate in process" of itself on a clustered server (10158).
            msgID: `${event.tenant}/${event.session_id}/${event.event_id}@${expectedLastSeq}`,
            expect: { lastSubjectSequence: expectedLastSeq, streamName: EVENTS_STREAM },
            headers: h,
          },
        ),
      );
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (e) {
      const apiError = (e as { api_error?: { err_code?: number } }).api_error;
      if (
        apiError?.err_code === WRONG_LAST_SEQUENCE ||
        apiError?.err_code === DUPLICATE_IN_PROCESS ||
        /wrong last sequence|duplicate message id is in process/i.test(String((e as Error).message))
      ) {
        throw new ConcurrentAppendError();
      }
      throw e;
    }
  }

  private parse(data: Uint8Array): AnySessionEvent | null {
    try {
      const value = JSON.parse(Buffer.from(data).toString('utf8')) as AnySessionEvent;
      return typeof value?.event_id === 'string' && typeof value.version === 'number' ? value : null;
    } catch {
      return null;
    }
  }
}
