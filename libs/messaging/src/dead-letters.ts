import { headers as natsHeaders, type JsMsg, type JetStreamManager, type NatsError } from 'nats';
import { DEAD_LETTER_STREAM, DEAD_LETTER_WILDCARD, deadLetterSubject } from '@cobrowse/contracts';
import type { NatsConnectionService } from './nats-connection.service';
import { readBatch } from './read-subject';

/** JetStream's "no message found" (JSNoMessageFoundErr). */
const NO_MESSAGE_FOUND = 10037;

/** Headers a parked event carries beside its original payload. */
export const DEAD_LETTER_HEADERS = {
  reason: 'Cobrowse-Dead-Letter-Reason',
  consumer: 'Cobrowse-Consumer',
  subject: 'Cobrowse-Original-Subject',
  sequence: 'Cobrowse-Original-Sequence',
  attempts: 'Cobrowse-Attempts',
} as const;

/**
 * The dead-letter stream of one consumer: an event it cannot apply is parked there, with the
 * reason and the attempts made, and stops holding up the consumer. `npm run dead-letters`
 * lists and replays them.
 */
export class DeadLetters {
  constructor(
    private readonly nats: NatsConnectionService,
    readonly consumer: string,
  ) {}

  /** Parks the message and terminates its delivery; throws (and parks nothing) when NATS is not there. */
  async park(m: JsMsg, reason: string, attempts: number): Promise<void> {
    const h = natsHeaders();
    h.set(DEAD_LETTER_HEADERS.reason, reason.replace(/[\r\n]/g, ' ').slice(0, 500));
    h.set(DEAD_LETTER_HEADERS.consumer, this.consumer);
    h.set(DEAD_LETTER_HEADERS.subject, m.subject);
    h.set(DEAD_LETTER_HEADERS.sequence, String(m.seq));
    h.set(DEAD_LETTER_HEADERS.attempts, String(attempts));
    await this.nats.js.publish(deadLetterSubject(this.consumer), m.data, {
      headers: h,
      msgID: `${this.consumer}/${m.seq}`,
      expect: { streamName: DEAD_LETTER_STREAM },
    });
    m.term(reason.slice(0, 200));
  }

  /**
   * Removes (and overwrites on disk) every parked event, of any consumer, that was logged on
   * a subject `erased` names: an erasure's sessions and device. A walk of the whole stream,
   * which parked events only ever enter by the handful; erasures are rare. How many it removed.
   */
  static async remove(nats: NatsConnectionService, erased: (subject: string) => boolean): Promise<number> {
    let removed = 0;
    for (let next = 1; ;) {
      const { events, pending } = await readBatch(nats.nc, DEAD_LETTER_STREAM, DEAD_LETTER_WILDCARD, next);
      for (const parked of events)
        if (erased(parked.headers?.get(DEAD_LETTER_HEADERS.subject) ?? '')) {
          const deleted = await nats.jsm.streams
            .deleteMessage(DEAD_LETTER_STREAM, parked.seq, true)
            .catch((e: NatsError) => {
              // Gone already (replayed, or the erasure's other pass) is as good as removed.
              if (e.api_error?.err_code === NO_MESSAGE_FOUND) return false;
              throw e;
            });
          if (deleted) removed++;
        }
      if (pending <= 0 || events.length === 0) return removed;
      next = events[events.length - 1].seq + 1;
    }
  }

  /** How many events this consumer has parked (and not yet replayed). */
  static async count(jsm: JetStreamManager, consumer: string): Promise<number> {
    const subject = deadLetterSubject(consumer);
    try {
      const info = await jsm.streams.info(DEAD_LETTER_STREAM, { subjects_filter: subject });
      return (info.state.subjects as Record<string, number> | undefined)?.[subject] ?? 0;
    } catch {
      return 0;
    }
  }
}
