import { Injectable } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  headers as natsHeaders,
  type ConsumerMessages,
  type NatsError,
} from 'nats';
import {
  EVENTS_STREAM,
  parseSessionEvent,
  sessionHistorySubject,
  type AnySessionEvent,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { natsRequestDuration, timed } from '@cobrowse/observability';
import { ensureDeadLetterStream, ensureEventStream, eventLogOptions } from './log-streams';
import { ensureDurableConsumer } from './leader-consumer';
import { publishToLog } from './log-publish';
import { NatsConnectionService } from './nats-connection.service';
import { readBatch, readSubject, type StoredEvent } from './read-subject';

/** An entry that lost its optimistic-concurrency race: the subject moved on since it was read. */
export class AppendConflictError extends Error {
  constructor() {
    super('the subject changed since it was read');
  }
}

/** JetStream's "wrong last sequence": the subject's last entry is not the one expected. */
const WRONG_LAST_SEQUENCE = 10071;
/** The same id is being stored by another request right now: re-read and try again. */
const DUPLICATE_IN_PROCESS = 10158;

export interface AppendOptions {
  /** Idempotency: the log keeps one entry per id within its duplicate window. */
  msgID: string;
  /** Stored only while the last entry on this subject filter is at this position (0: none). */
  expectLast?: { filter: string; seq: number };
}

/**
 * The event log (stream COBROWSE_EVENTS) behind one door: every app reads, follows, appends
 * to and purges it here, parsed with the contracts' one envelope parser. Which app may do
 * what is a rule of the code (log-ownership.spec.ts): session-lifecycle appends session
 * events and purges; the others read.
 */
@Injectable()
export class EventLog {
  constructor(
    private readonly nats: NatsConnectionService,
    private readonly config: AppConfig,
  ) {}

  /** Creates the log's stream, or brings its settings up to the configuration. */
  ensureLog(): Promise<void> {
    return ensureEventStream(this.nats.jsm, eventLogOptions(this.config));
  }

  /** The log and the dead letters its consumers park poison in. */
  async ensureLogAndDeadLetters(): Promise<void> {
    await this.ensureLog();
    await ensureDeadLetterStream(this.nats.jsm, eventLogOptions(this.config));
  }

  /** A session's events in log order with their positions; a message that is not an event is skipped. */
  async sessionHistory(
    tenant: string,
    sessionId: string,
  ): Promise<Array<{ seq: number; event: AnySessionEvent }>> {
    return sessionEventsOf(await this.readAll(sessionHistorySubject(tenant, sessionId)));
  }

  /** Up to `count` of a session's events logged after position `after`, in log order. */
  async sessionHistoryAfter(
    tenant: string,
    sessionId: string,
    after: number,
    count: number,
  ): Promise<Array<{ seq: number; event: AnySessionEvent }>> {
    return sessionEventsOf(
      (await this.read(sessionHistorySubject(tenant, sessionId), after + 1, count)).events,
    );
  }

  /**
   * Where a session's history begins in the log, or null when the log holds none of it: whether
   * a session exists, as the truth while the read models catch up (one direct get).
   */
  async sessionStart(tenant: string, sessionId: string): Promise<number | null> {
    const { events } = await this.read(sessionHistorySubject(tenant, sessionId), 1, 1);
    return events[0]?.seq ?? null;
  }

  /** Every message on a subject filter, as stored, in log order. */
  readAll(filter: string): Promise<StoredEvent[]> {
    return readSubject(this.nats.nc, EVENTS_STREAM, filter);
  }

  /** Up to `batch` messages on a subject filter from `fromSeq` on, as stored, and how many follow. */
  read(filter: string, fromSeq: number, batch?: number): Promise<{ events: StoredEvent[]; pending: number }> {
    return readBatch(this.nats.nc, EVENTS_STREAM, filter, fromSeq, batch);
  }

  /** Whether the last message on a subject filter is still the one at `seq` (one direct get). */
  async isLast(filter: string, seq: number): Promise<boolean> {
    const { events, pending } = await this.read(filter, seq, 1);
    return events[0]?.seq === seq && pending === 0;
  }

  /** The position of the log's last message (0 while it is empty). */
  async end(): Promise<number> {
    return (await this.nats.jsm.streams.info(EVENTS_STREAM)).state.last_seq;
  }

  /** Where the log ends, and how far a durable consumer of it has acknowledged every message. */
  async progressOf(consumer: string): Promise<{ logEnd: number; applied: number }> {
    const [stream, info] = await Promise.all([
      this.nats.jsm.streams.info(EVENTS_STREAM),
      this.nats.jsm.consumers.info(EVENTS_STREAM, consumer),
    ]);
    return { logEnd: stream.state.last_seq, applied: info.ack_floor.stream_seq };
  }

  /**
   * Messages on these subject filters from `fromSeq` on, as they arrive (an ephemeral consumer
   * the server drops once nobody reads it); `stop` deletes it at once.
   */
  async follow(
    filters: string[],
    fromSeq: number,
  ): Promise<{ messages: ConsumerMessages; stop: () => Promise<unknown> }> {
    const consumer = await this.nats.js.consumers.get(EVENTS_STREAM, {
      filterSubjects: filters,
      opt_start_seq: fromSeq,
      inactive_threshold: 30_000,
    });
    const messages = await consumer.consume({ max_messages: 64 });
    return { messages, stop: () => consumer.delete() };
  }

  /**
   * Appends one message; `duplicate` when the log already holds its id. Throws
   * AppendConflictError when `expectLast` no longer holds.
   */
  async append(
    subject: string,
    data: string,
    { msgID, expectLast }: AppendOptions,
  ): Promise<{ seq: number; duplicate: boolean }> {
    const headers = expectLast ? natsHeaders() : undefined;
    headers?.set('Nats-Expected-Last-Subject-Sequence-Subject', expectLast!.filter);
    try {
      const ack = await timed(natsRequestDuration, 'jetstream', () =>
        publishToLog(this.nats.js, subject, data, {
          msgID,
          expect: {
            streamName: EVENTS_STREAM,
            ...(expectLast ? { lastSubjectSequence: expectLast.seq } : {}),
          },
          ...(headers ? { headers } : {}),
        }),
      );
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (e) {
      const code = (e as { api_error?: { err_code?: number } }).api_error?.err_code;
      if (
        code === WRONG_LAST_SEQUENCE ||
        code === DUPLICATE_IN_PROCESS ||
        /wrong last sequence|duplicate message id is in process/i.test(String((e as Error).message))
      )
        throw new AppendConflictError();
      throw e;
    }
  }

  /**
   * A durable consumer of the log's messages on `filters`, from the moment it is first made
   * (or from the messages recorded at `since` on)
   * (later calls keep its position and bring its filters, ack wait and window up to date).
   */
  async ensureSubscriber(
    name: string,
    filters: string[],
    { ackWaitMs, maxAckPending, since }: { ackWaitMs: number; maxAckPending: number; since?: number },
  ): Promise<void> {
    await ensureDurableConsumer(this.nats.jsm, EVENTS_STREAM, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      ...(since === undefined
        ? { deliver_policy: DeliverPolicy.New }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(since).toISOString() }),
      filter_subjects: filters,
      ack_wait: ackWaitMs * 1_000_000,
      max_ack_pending: maxAckPending,
    });
  }

  /**
   * A durable consumer's backlog: messages not yet delivered, delivered but not acknowledged
   * (held by a reader, or by one that died), and the log position up to which every one is
   * acknowledged.
   */
  async backlogOf(name: string): Promise<{ pending: number; held: number; ackedTo: number }> {
    const info = await this.nats.jsm.consumers.info(EVENTS_STREAM, name);
    return { pending: info.num_pending, held: info.num_ack_pending, ackedTo: info.ack_floor.stream_seq };
  }

  /** Deletes a durable consumer with its position; false when there was none. */
  async dropSubscriber(name: string): Promise<boolean> {
    return this.nats.jsm.consumers.delete(EVENTS_STREAM, name).catch((e: NatsError) => {
      if (e.api_error?.err_code === 10014) return false; // consumer not found
      throw e;
    });
  }

  /** The messages of a durable consumer, pulled `batch` at a time. */
  async consume(name: string, batch: number): Promise<ConsumerMessages> {
    const consumer = await this.nats.js.consumers.get(EVENTS_STREAM, name);
    return consumer.consume({ max_messages: batch, expires: 5_000 });
  }

  /** Removes every message on a subject filter; how many went. Session-lifecycle's alone. */
  async purge(filter: string): Promise<number> {
    return (await this.nats.jsm.streams.purge(EVENTS_STREAM, { filter })).purged;
  }
}

/** The session events among stored messages, with their positions; a message that is not an event is skipped. */
function sessionEventsOf(stored: StoredEvent[]): Array<{ seq: number; event: AnySessionEvent }> {
  return stored.flatMap(({ seq, data }) => {
    const parsed = parseSessionEvent(data);
    return 'event' in parsed ? [{ seq, event: parsed.event }] : [];
  });
}
