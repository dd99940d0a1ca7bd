import type { Logger } from '@nestjs/common';
import type { ConsumerMessages, JsMsg } from 'nats';
import { BACKOFF, delayBefore, sleep } from '@cobrowse/resilience';
import {
  isSessionEvent,
  matchesCustomData,
  parseEnvelope,
  parseLogSubject,
  type AnySessionEvent,
  type LoggedEvent,
  type SessionResource,
} from '@cobrowse/contracts';
import type { EndpointDocument, EndpointReplay } from '../endpoints/endpoint-document';
import { attemptOf, type NewAttempt } from './attempts.repository';
import type { RetrySchedule } from './retry-schedule';
import { webhookMessage, type WebhookMessage } from './webhook-message';
import type { SendResult } from './webhook-sender';
import { signedHeaders } from './webhook-signature';

/** Requests one endpoint has in flight at most (its rate limit may allow fewer). */
const MAX_IN_FLIGHT = 16;
/** A stop waits this long at most for the pull to close. */
const STOP_WAIT_MS = 1_000;
/** Sessions whose last sent event is remembered, at most (the oldest forgotten first). */
const SESSIONS_KEPT = 10_000;
/**
 * Every message in hand (being sent, waiting for a retry, or queued behind its session's) is
 * reported in progress this often, well within its ack wait (EndpointSubscriptions.ACK_WAIT_MS),
 * so the server hands it to no one else while this replica lives.
 */
const WORKING_EVERY_MS = 3_000;

export interface DeliveryOutcome {
  endpoint: EndpointDocument;
  message: WebhookMessage;
  result: SendResult;
  attempt: number;
  /** When it is tried again; null when it succeeded or was given up. */
  nextRetryAt: number | null;
}

/** What an endpoint's deliveries need from the dispatcher. */
export interface DeliveryContext {
  schedule: RetrySchedule;
  send(endpoint: EndpointDocument, headers: Record<string, string>, body: string): Promise<SendResult>;
  record(endpoint: EndpointDocument, attempt: NewAttempt): void;
  /** After each attempt: marks the endpoint failing or not, disables it when it must (false: stop). */
  settle(outcome: DeliveryOutcome): Promise<boolean>;
  customData(event: LoggedEvent): Promise<Record<string, unknown> | null>;
  /** The session resource as of a session event (`include_session`). */
  session(event: AnySessionEvent): Promise<SessionResource | undefined>;
  /** The `count` events of `event`'s session logged after position `after`, with their positions. */
  between(
    event: AnySessionEvent,
    after: number,
    count: number,
  ): Promise<Array<{ event: AnySessionEvent; position: number }>>;
  observe(outcome: 'delivered' | 'failed' | 'given-up', delayMs: number | null): void;
  logger: Pick<Logger, 'warn' | 'log'>;
}

class Stopped extends Error {}

/**
 * One endpoint's deliveries on the leader: its durable consumer's messages, keyed by session
 * (or device) so each key's events go out in log order; a key whose event is being retried
 * holds its later events while other keys go on. A message is acked once delivered, given up
 * or not wanted by the endpoint's filter; one in hand when the deliveries stop is left unacked
 * and comes back (to the next leader) after its ack wait.
 */
export class EndpointDelivery {
  private readonly queues = new Map<string, JsMsg[]>();
  /** Per session, the last event this delivery sent (or found unwanted): its version and position. */
  private readonly sent = new Map<string, { version: number; position: number }>();
  private readonly abort = new AbortController();
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private nextSlotAt = 0;
  private running?: Promise<void>;
  private working?: NodeJS.Timeout;

  constructor(
    private endpoint: EndpointDocument,
    private readonly messages: ConsumerMessages,
    private readonly context: DeliveryContext,
    /** For a replay: only the events it covers are sent (the rest are acked unsent). */
    readonly replay: EndpointReplay | null = null,
  ) {}

  get id(): string {
    return this.endpoint._id;
  }

  /** Settings changed (filter, rate limit, secrets): later attempts use them. */
  update(endpoint: EndpointDocument): void {
    this.endpoint = endpoint;
  }

  start(): void {
    this.running = this.take();
    this.working = setInterval(() => {
      for (const queue of this.queues.values()) for (const m of queue) m.working();
    }, WORKING_EVERY_MS);
  }

  /**
   * Stops taking and sending; what is in hand is not acked. Bounded: with NATS gone, closing the
   * pull may never be answered, and a stop that waited for it would hold up every change after
   * it (a new term's start included; found by the fault tier).
   */
  async stop(): Promise<void> {
    clearInterval(this.working);
    this.abort.abort();
    await Promise.race([
      Promise.all([this.messages.close().catch(() => undefined), this.running]),
      sleep(STOP_WAIT_MS),
    ]);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async take(): Promise<void> {
    for await (const m of this.messages) {
      if (this.stopped) break;
      const key = keyOf(m);
      const queue = this.queues.get(key);
      if (queue) queue.push(m);
      else {
        this.queues.set(key, [m]);
        void this.drain(key);
      }
    }
  }

  /**
   * A key's messages one after another. A step that fails for want of NATS or the database (a
   * read of the log for a filter or a gap) is tried again after a pause, the key's later
   * messages waiting behind it. Anything left when the deliveries stop is not acked: it comes
   * back after its ack wait.
   */
  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    try {
      for (let failures = 0; queue.length && !this.stopped;) {
        try {
          await this.deliver(queue[0]);
        } catch (e) {
          if (e instanceof Stopped) return;
          this.context.logger.warn({
            msg: 'webhook delivery step failed; will retry',
            error: (e as Error).message,
          });
          await this.sleep(delayBefore(BACKOFF.dependency, ++failures));
          continue;
        }
        failures = 0;
        queue[0].ack();
        queue.shift();
      }
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
    } finally {
      this.queues.delete(key);
    }
  }

  /**
   * A message's event, after any of its session's events the server still holds back. A message
   * lost between the server and this replica (nats-server killed with it in flight) comes back
   * only after its ack wait, behind later ones: a session event whose version skips past the last
   * one this delivery sent is preceded by the versions between, read from the log. One sent
   * already (it came back after it was read from the log, or its ack was lost) is not sent again.
   */
  private async deliver(m: JsMsg): Promise<void> {
    const parsed = parseEnvelope(m.data);
    if ('reason' in parsed) return; // not an event (the consumers of the read models park it)
    const event = parsed.event;
    if (!isSessionEvent(event)) return this.send(event, m.seq);
    const last = this.sent.get(event.session_id);
    if (last && event.version <= last.version) return;
    if (last && event.version > last.version + 1)
      for (const earlier of await this.context.between(
        event,
        last.position,
        event.version - last.version - 1,
      ))
        await this.sendInSession(earlier.event, earlier.position);
    await this.sendInSession(event, m.seq);
  }

  private async sendInSession(event: AnySessionEvent, position: number): Promise<void> {
    await this.send(event, position);
    this.sent.delete(event.session_id);
    this.sent.set(event.session_id, { version: event.version, position });
    if (this.sent.size > SESSIONS_KEPT) this.sent.delete(this.sent.keys().next().value!);
  }

  /** One event, tried until it is delivered, given up, or the deliveries stop. */
  private async send(event: LoggedEvent, position: number): Promise<void> {
    if (this.replay && !covers(this.replay, position, event.recorded_at)) return;
    if (!(await this.wanted(event))) return;
    const session =
      this.endpoint.include_session && isSessionEvent(event) ? await this.context.session(event) : undefined;
    const message = webhookMessage(this.endpoint.id, event, position, session);
    const recordedAt = event.recorded_at;
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(message);
      const ok = result.status !== null && result.status >= 200 && result.status < 300;
      const delay =
        ok || result.status === 410
          ? null
          : this.context.schedule.nextDelay(attempt, result.retryAfterSeconds);
      const nextRetryAt = delay === null ? null : Date.now() + delay;
      this.context.record(this.endpoint, attemptOf(message, attempt, result, nextRetryAt));
      if (!(await this.context.settle({ endpoint: this.endpoint, message, result, attempt, nextRetryAt })))
        throw new Stopped();
      if (ok) {
        this.context.observe('delivered', Date.now() - recordedAt);
        return;
      }
      if (delay === null) {
        this.context.observe('given-up', null);
        this.context.logger.warn({
          msg: 'webhook delivery given up after its last attempt',
          endpoint: this.endpoint.id,
          webhook_id: message.id,
          attempts: attempt,
        });
        return;
      }
      this.context.observe('failed', null);
      await this.sleep(delay);
    }
  }

  /** Whether the endpoint's types and custom data filter want the event. */
  private async wanted(event: LoggedEvent): Promise<boolean> {
    const { event_types: types, filter } = this.endpoint;
    if (types && !(types as readonly string[]).includes(event.type)) return false;
    if (!filter) return true;
    if (!isSessionEvent(event)) return false;
    const data = await this.context.customData(event);
    return data !== null && matchesCustomData(data, filter);
  }

  private async attempt(message: WebhookMessage): Promise<SendResult> {
    await this.slot();
    try {
      return await this.context.send(this.endpoint, signedHeaders(this.endpoint, message), message.body);
    } finally {
      this.inFlight--;
      this.slotWaiters.shift()?.();
    }
  }

  /** Waits for one of the endpoint's request slots and its rate limit. */
  private async slot(): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      if (this.stopped) throw new Stopped();
    }
    this.inFlight++;
    const rate = this.endpoint.rate_limit;
    if (!rate) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = at + 1000 / rate;
    if (at > now) await this.sleep(at - now);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.stopped) return reject(new Stopped());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Stopped());
      };
      const timer = setTimeout(() => {
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function covers(replay: EndpointReplay, position: number, recordedAt: number): boolean {
  return position <= replay.to && recordedAt >= replay.since && recordedAt <= replay.until;
}

/** Events of one session (or one device) are one key: delivered in log order. */
function keyOf(m: JsMsg): string {
  const subject = parseLogSubject(m.subject);
  return subject ? `${subject.kind}/${subject.id}` : m.subject;
}
