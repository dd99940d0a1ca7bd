import type { Logger } from '@nestjs/common';
import type {
  ConsumerConfig,
  ConsumerInfo,
  ConsumerMessages,
  JetStreamManager,
  JsMsg,
  NatsError,
} from 'nats';
import {
  consumerAckPending,
  consumerParked,
  consumerPending,
  consumerRedelivered,
  onScrape,
  probes,
  projectionDelay,
} from '@cobrowse/observability';
import { BACKOFF, delayBefore, sleep } from '@cobrowse/resilience';
import { DeadLetterReplay } from './dead-letter-replay';
import { DeadLetters } from './dead-letters';
import { KeyedBatches, type ApplyBatch } from './keyed-batches';
import { KeyedMutex } from './keyed-mutex';
import type { Leadership, ProgressCheck } from './leadership/leadership';
import type { NatsConnectionService } from './nats-connection.service';
import { settleMessage } from './settle-message';
import { retryWhileUnavailable } from './startup-retry';

/** How long a stopping consumer waits for its in-flight messages before it lets them go. */
const STOP_WAIT_MS = 4_000;
const PULL_BATCH = 256;
/**
 * Pull requests expire this soon: the server keeps delivering to an open pull even when its
 * replica froze, so a frozen leader's pulls must lapse quickly for the new leader to get the
 * messages (together with the ack wait, this bounds how long they stay with it).
 */
const PULL_EXPIRES_MS = 5_000;
/** Beyond the ack wait, for the server's redelivery timer to have run. */
const HELD_MARGIN_MS = 1_000;

export interface LeaderConsumerOptions {
  stream: string;
  /** The durable consumer; created or brought up to date at start, from every replica. */
  config: Partial<ConsumerConfig> & { durable_name: string };
  /** May look something up; messages are keyed one after another, in log order. */
  keyOf: (m: JsMsg) => string | Promise<string>;
  /**
   * Applies messages, one at a time or in batches. `one` applies a message (throws
   * PoisonMessageError for one that can never apply), `inFlight` of them at once, those with
   * the same key one after another in log order; `batch` applies groups of messages by key
   * and says per group how far it got (KeyedBatches).
   */
  apply: { one: (m: JsMsg) => Promise<void>; inFlight: number } | { batch: ApplyBatch; maxBatch: number };
  /** Refusals before a message is parked (outages, by classifyFailure, are waited out). */
  maxAttempts: number;
  /** Runs each time this replica starts leading, before it consumes (e.g. to load a schedule). */
  onLead?: () => Promise<void>;
  /**
   * Whether a term must not apply anything before the messages a previous leader still held
   * come back (see waitForPreviousTerm): for a consumer whose apply skips what is older than
   * what it has applied, so must see each key's messages in log order across a handover.
   */
  inOrderAcrossTerms?: boolean;
  logger: Logger;
}

/**
 * Until when messages a previous leader held may still be out (LeaderConsumer's
 * waitForPreviousTerm): the last delivery's ack wait, plus a margin for the server's timer.
 * The server forgets when it last delivered across its own restart (no time, or the zero
 * time): then counted from the start of the wait. Never later than a delivery to a previous
 * leader's last open pull could have been (it lapses within PULL_EXPIRES_MS of the new
 * term's start).
 */
export function previousTermHeldUntil(
  info: Pick<ConsumerInfo, 'delivered'> & { config: Pick<ConsumerConfig, 'ack_wait'> },
  startedAt: number,
): number {
  const ackWaitMs = Math.ceil((info.config.ack_wait ?? 30_000_000_000) / 1_000_000);
  const lastDelivery = Date.parse(String(info.delivered.last_active ?? ''));
  const known = !Number.isNaN(lastDelivery) && lastDelivery > 0; // not the zero time either
  const from = Math.min(known ? lastDelivery : startedAt, startedAt + PULL_EXPIRES_MS);
  return from + ackWaitMs + HELD_MARGIN_MS;
}

/** The subjects a consumer reads: none named means every subject of its stream. */
function filtersOf(config: Partial<Pick<ConsumerConfig, 'filter_subject' | 'filter_subjects'>>): string {
  const filters = config.filter_subjects?.length
    ? config.filter_subjects
    : config.filter_subject
      ? [config.filter_subject]
      : [];
  return [...filters].sort().join(' ');
}

/**
 * Creates a durable pull consumer, or brings its ack wait, window and filter up to date. Safe
 * from every replica. An update the server refuses leaves the consumer as it was, said in the
 * log: it still delivers, so the service starts rather than retrying forever.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
  logger?: Pick<Logger, 'warn'>,
): Promise<void> {
  let current: Partial<ConsumerConfig>;
  try {
    ({ config: current } = await jsm.consumers.info(stream, config.durable_name));
  } catch {
    await jsm.consumers.add(stream, config).catch((e: Error) => {
      if (!/already/i.test(e.message)) throw e;
    });
    return;
  }
  const changed: Partial<ConsumerConfig> = Object.fromEntries(
    (['ack_wait', 'max_ack_pending'] as const)
      .filter((field) => config[field] !== undefined && config[field] !== current[field])
      .map((field) => [field, config[field]]),
  );
  if (filtersOf(config) !== filtersOf(current)) {
    changed.filter_subject = config.filter_subject ?? '';
    changed.filter_subjects = config.filter_subjects ?? [];
  }
  if (Object.keys(changed).length === 0) return;
  await jsm.consumers.update(stream, config.durable_name, changed).catch((e: NatsError) => {
    // No answer at all (NATS down, a timeout) is for the caller to retry.
    if (!e.api_error) throw e;
    logger?.warn({
      msg: 'the server refused to update the durable consumer; it keeps its settings',
      consumer: config.durable_name,
      fields: Object.keys(changed),
      error: e.api_error.description,
    });
  });
}

/**
 * A durable consumer of the log that only the leader consumes: it starts when its Leadership
 * is won and stops (dropping what it had prefetched) when it is lost. Each message is settled
 * (settleMessage): applied and acked, parked on the dead letters when it cannot apply, or
 * waited on while the database is down — in place, holding its key, so the same key's later
 * messages never overtake it. Parked messages are replayed on request through the same apply.
 */
export class LeaderConsumer {
  private readonly mutex = new KeyedMutex();
  private readonly deadLetters: DeadLetters;
  private readonly replay: DeadLetterReplay;
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private inFlight = 0;
  private lastProgressAt = Date.now();
  private readonly waiters: Array<() => void> = [];
  /** The current term's batches, when the consumer applies in batches. */
  private batches?: KeyedBatches;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly leadership: Leadership,
    private readonly options: LeaderConsumerOptions,
  ) {
    this.deadLetters = new DeadLetters(nats, this.name);
    // A replay tries once: the event already had its attempts.
    this.replay = new DeadLetterReplay(
      nats,
      this.name,
      this,
      (m, park) => this.settle(m, park, () => this.consuming, 1),
      options.logger,
    );
  }

  get name(): string {
    return this.options.config.durable_name;
  }

  /** Whether this replica consumes now (it leads). */
  get consuming(): boolean {
    return this.messages !== undefined && this.leadership.isLeader;
  }

  /** The key a message is applied under (its session, its device). */
  keyOf(m: JsMsg): string | Promise<string> {
    return this.options.keyOf(m);
  }

  /** Runs work on a key in turn with the consumer's own messages of that key. */
  runKeyed<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(key, work);
  }

  /** Stuck when messages are in hand and none has settled for a while: the lease then goes to a standby. */
  readonly progress: ProgressCheck = {
    name: 'consumer',
    stalledFor: (now) => {
      if (this.batches) return this.batches.pending === 0 ? 0 : now - this.batches.lastProgressAt;
      return this.inFlight === 0 ? 0 : now - this.lastProgressAt;
    },
  };

  async start(): Promise<void> {
    let ensured = false;
    probes.readiness(`consumer ${this.name}`, () =>
      ensured ? null : 'the durable consumer is not set up yet',
    );
    await retryWhileUnavailable(
      `consumer ${this.name}`,
      () =>
        ensureDurableConsumer(this.nats.jsm, this.options.stream, this.options.config, this.options.logger),
      this.options.logger,
    );
    ensured = true;
    onScrape(() => this.reportState());
    this.leadership.watch(this.progress);
    this.leadership.onChange((leading) => (leading ? this.startConsuming() : this.stopConsuming()));
    this.replay.start();
  }

  async stop(): Promise<void> {
    this.replay.stop();
    await this.stopConsuming();
  }

  /**
   * Retried while this replica leads: a leader that gave up here (the database or JetStream
   * not answering yet, right after an outage) would hold the lease without ever consuming.
   */
  private async startConsuming(): Promise<void> {
    // For the term that called it only. Listener calls queue up behind this one: if this term
    // ends while it retries or waits, the loss and the next win are already queued, and the
    // next term's call starts afresh (going on here would have that loss stop the next term's
    // consuming as soon as it started).
    const term = this.leadership.term;
    const inTerm = () => this.leadership.leadsIn(term);
    for (let retry = 1; !this.messages && inTerm(); retry++) {
      try {
        await this.options.onLead?.();
        if (this.options.inOrderAcrossTerms) await this.waitForPreviousTerm(inTerm);
        if (!inTerm()) return;
        const consumer = await this.nats.js.consumers.get(this.options.stream, this.name);
        this.messages = await consumer.consume({ max_messages: PULL_BATCH, expires: PULL_EXPIRES_MS });
        this.running = this.run(this.messages);
        this.options.logger.log({ msg: 'consuming', consumer: this.name });
      } catch (e) {
        this.options.logger.warn({
          msg: 'could not start consuming; will retry',
          consumer: this.name,
          error: (e as Error).message,
        });
        await sleep(delayBefore(BACKOFF.dependency, retry));
      }
    }
  }

  /**
   * A leader killed (or frozen) while it held messages leaves them delivered and unacked: the
   * server hands them out again only once their ack wait has passed, and would meanwhile give
   * this term the messages after them. A device that applied a later fact skips an earlier
   * one as already applied, so the earlier one would be lost. The server redelivers before it
   * delivers anything new, so a term that pulls only after the last delivery's ack wait has
   * passed gets the held messages first, in log order. Costs a handover that finds messages
   * held one ack wait (up to PULL_EXPIRES_MS more when the server cannot say when it last
   * delivered), nothing otherwise.
   */
  private async waitForPreviousTerm(inTerm: () => boolean): Promise<void> {
    const startedAt = Date.now();
    for (let logged = false; inTerm();) {
      const info = await this.nats.jsm.consumers.info(this.options.stream, this.name);
      if (info.num_ack_pending === 0) return;
      const heldUntil = previousTermHeldUntil(info, startedAt);
      const wait = heldUntil - Date.now();
      if (wait <= 0) return;
      if (!logged) {
        logged = true;
        this.options.logger.log({
          msg: 'waiting for the messages a previous leader held',
          consumer: this.name,
          held: info.num_ack_pending,
          wait_ms: wait,
        });
      }
      await sleep(Math.min(wait, 1_000));
    }
  }

  /** Stops fetching; messages in hand see the consumer inactive and go back (nak) for the next leader. */
  private async stopConsuming(): Promise<void> {
    const messages = this.messages;
    if (!messages) return;
    this.messages = undefined;
    // Bounded: with NATS gone, closing the pull may never be answered.
    await Promise.race([Promise.all([messages.close().catch(() => undefined), this.running]), sleep(1_000)]);
    const until = Date.now() + STOP_WAIT_MS;
    const busy = () => this.inFlight > 0 || (this.batches?.pending ?? 0) > 0;
    while (busy() && Date.now() < until) await sleep(20);
    if (busy())
      this.options.logger.warn({
        msg: 'stopped with messages in flight',
        consumer: this.name,
        in_flight: this.inFlight,
      });
    this.options.logger.log({ msg: 'stopped consuming', consumer: this.name });
  }

  /**
   * Dispatches one term's messages. A message applies only within the term it was delivered
   * in: once this replica stopped consuming it is handed back even if the replica leads again
   * by the time its turn comes, since an earlier message of its key may have been handed back
   * already, and applying a later one first would make the device (or session) skip the
   * earlier one as already applied when it is delivered again.
   */
  private async run(messages: ConsumerMessages): Promise<void> {
    const inTerm = () => this.messages === messages && this.leadership.isLeader;
    const apply = this.options.apply;
    if ('batch' in apply) return this.runBatches(messages, inTerm, apply);
    for await (const m of messages) {
      if (this.inFlight >= apply.inFlight) await new Promise<void>((resolve) => this.waiters.push(resolve));
      const key = await this.keyWhileConsuming(m, inTerm);
      if (key === undefined) {
        m.nak();
        continue;
      }
      if (this.inFlight === 0) this.lastProgressAt = Date.now();
      this.inFlight++;
      void this.mutex
        .run(key, () =>
          this.settle(m, (reason, attempts) => this.deadLetters.park(m, reason, attempts), inTerm),
        )
        .catch((e: Error) => this.options.logger.error({ msg: 'handler failed', error: e.message }))
        .finally(() => {
          this.inFlight--;
          this.lastProgressAt = Date.now();
          this.waiters.shift()?.();
        });
    }
  }

  /** Takes the term's messages in, keyed in log order, while KeyedBatches applies them. */
  private async runBatches(
    messages: ConsumerMessages,
    inTerm: () => boolean,
    apply: { batch: ApplyBatch; maxBatch: number },
  ): Promise<void> {
    const batches = new KeyedBatches({
      applyBatch: apply.batch,
      maxBatch: apply.maxBatch,
      maxAttempts: this.options.maxAttempts,
      park: (m, reason, attempts) => this.deadLetters.park(m, reason, attempts),
      logger: this.options.logger,
      context: { consumer: this.name },
      onApplied: (m) => this.observeDelay(m),
    });
    this.batches = batches;
    let taking = true;
    const applying = batches
      .run(() => taking && inTerm())
      .catch((e: Error) =>
        this.options.logger.error({ msg: 'batches failed', consumer: this.name, error: e.message }),
      );
    try {
      for await (const m of messages) {
        const key = await this.keyWhileConsuming(m, inTerm);
        if (key === undefined) m.nak();
        else batches.add(key, m);
      }
    } finally {
      taking = false;
      batches.interrupt();
      await applying;
    }
  }

  /** The message's key, retried while its lookup fails; undefined once this replica stopped consuming. */
  private async keyWhileConsuming(m: JsMsg, inTerm: () => boolean): Promise<string | undefined> {
    for (let retry = 1; ; retry++) {
      try {
        return await this.options.keyOf(m);
      } catch (e) {
        if (!inTerm()) return undefined;
        this.options.logger.warn({
          msg: 'could not key a message; will retry',
          consumer: this.name,
          seq: m.seq,
          error: (e as Error).name,
        });
        await sleep(delayBefore(BACKOFF.dependency, retry));
      }
    }
  }

  /** From the log's record of a message to applied. A replayed dead letter carries no delivery info: no measure of the delay. */
  private observeDelay(m: JsMsg): void {
    const recordedAtNanos = (m.info as JsMsg['info'] | undefined)?.timestampNanos;
    if (recordedAtNanos !== undefined)
      projectionDelay.observe(
        { consumer: this.name },
        Math.max(0, Date.now() - recordedAtNanos / 1_000_000) / 1000,
      );
  }

  /** One message on its own: a dead letter replayed, or each message of a consumer that does not batch. */
  private async applyOne(m: JsMsg): Promise<void> {
    const apply = this.options.apply;
    if ('one' in apply) return apply.one(m);
    const [outcome] = await apply.batch([{ key: await this.options.keyOf(m), messages: [m] }]);
    if (outcome?.failure !== undefined) throw outcome.failure;
  }

  /** The consumer's state on the server, for the metrics (every replica reports the same numbers). */
  private async reportState(): Promise<void> {
    const labels = { consumer: this.name };
    const [info, parked] = await Promise.all([
      this.nats.jsm.consumers.info(this.options.stream, this.name),
      DeadLetters.count(this.nats.jsm, this.name),
    ]);
    consumerPending.set(labels, info.num_pending);
    consumerAckPending.set(labels, info.num_ack_pending);
    consumerRedelivered.set(labels, info.num_redelivered);
    consumerParked.set(labels, parked);
  }

  /** Applies one message until it is settled, parking it through `park` if it cannot be. */
  private settle(
    m: JsMsg,
    park: (reason: string, attempts: number) => Promise<void>,
    active: () => boolean,
    maxAttempts = this.options.maxAttempts,
  ): Promise<void> {
    const apply = async () => {
      await this.applyOne(m);
      this.observeDelay(m);
    };
    return settleMessage(m, apply, {
      maxAttempts,
      active,
      park,
      logger: this.options.logger,
      context: { consumer: this.name, seq: m.seq },
    });
  }
}
