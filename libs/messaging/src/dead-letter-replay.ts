import type { Logger } from '@nestjs/common';
import type { JsMsg, Msg, Subscription } from 'nats';
import {
  DEAD_LETTER_STREAM,
  directGetSubject,
  EVENTS_STREAM,
  RPC,
  type ReplayDeadLetterReply,
  type ReplayDeadLetterRequest,
} from '@cobrowse/contracts';
import { DEAD_LETTER_HEADERS } from './dead-letters';
import type { NatsConnectionService } from './nats-connection.service';
import { readBatch } from './read-subject';

/** The consumer whose parked messages are replayed: only its leader answers. */
export interface ReplayTarget {
  readonly consuming: boolean;
  keyOf(m: JsMsg): string | Promise<string>;
  runKeyed<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** Applies a message as the consumer does; `park` is called instead of parking it again. */
export type ReplayApply = (m: JsMsg, park: (reason: string) => Promise<void>) => Promise<void>;

/**
 * Re-applies parked events of one consumer on request (`npm run dead-letters -- replay`),
 * once their cause is fixed: on the replica that consumes, in turn with the same key's live
 * messages, through the consumer's own apply. The log stays as it was; an event that applies
 * leaves the dead letters, one that still fails stays, with the new reason.
 */
export class DeadLetterReplay {
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly consumer: string,
    private readonly leased: ReplayTarget,
    private readonly apply: ReplayApply,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    this.subscription = this.nats.nc.subscribe(RPC.replayDeadLetter(this.consumer), {
      callback: (_err, msg) => void this.answer(msg),
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  private async answer(msg: Msg): Promise<void> {
    // Every replica hears the request; only the one consuming answers it.
    if (!this.leased.consuming) return;
    let reply: ReplayDeadLetterReply;
    try {
      reply = await this.replay(msg.json<ReplayDeadLetterRequest>().dead_letter_seq);
    } catch (e) {
      this.logger.warn({ msg: 'dead letter replay failed', error: (e as Error).name });
      reply = { status: 'still-failing', reason: 'the replay could not run; try again' };
    }
    msg.respond(JSON.stringify(reply));
  }

  private async replay(seq: number): Promise<ReplayDeadLetterReply> {
    if (!Number.isSafeInteger(seq) || seq < 1) return { status: 'not-found' };
    const parked = await this.nats.nc.request(directGetSubject(DEAD_LETTER_STREAM), JSON.stringify({ seq }), {
      timeout: 10_000,
    });
    if (!parked.data.length || parked.headers?.get(DEAD_LETTER_HEADERS.consumer) !== this.consumer)
      return { status: 'not-found' };
    const result: { applied: boolean; reason?: string } = { applied: false };
    const message = {
      data: parked.data,
      subject: parked.headers.get(DEAD_LETTER_HEADERS.subject),
      seq: Number(parked.headers.get(DEAD_LETTER_HEADERS.sequence)),
      ack: () => (result.applied = true),
      nak: () => undefined,
      term: () => undefined,
      working: () => undefined,
    } as unknown as JsMsg;
    if (!(await this.stillLogged(message))) {
      await this.nats.jsm.streams.deleteMessage(DEAD_LETTER_STREAM, seq, true);
      return { status: 'gone', reason: 'the event is no longer in the log (erased, or past its age)' };
    }
    await this.leased.runKeyed(await this.leased.keyOf(message), () =>
      this.apply(message, async (reason) => void (result.reason = reason)),
    );
    if (!result.applied) return { status: 'still-failing', reason: result.reason ?? 'not applied' };
    await this.nats.jsm.streams.deleteMessage(DEAD_LETTER_STREAM, seq);
    return { status: 'replayed' };
  }

  /**
   * Whether the parked event is still where it was logged: an erasure purges it from the log
   * and then from the dead letters, so one parked in between must not be applied again.
   */
  private async stillLogged(m: Pick<JsMsg, 'subject' | 'seq'>): Promise<boolean> {
    if (!m.subject || !Number.isSafeInteger(m.seq) || m.seq < 1) return false;
    const { events } = await readBatch(this.nats.nc, EVENTS_STREAM, m.subject, m.seq, 1);
    return events[0]?.seq === m.seq;
  }
}
