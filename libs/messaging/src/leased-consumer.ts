import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { ConsumerConfig, ConsumerMessages, JetStreamManager, JsMsg, Subscription } from 'nats';
import { KeyedMutex } from './keyed-mutex';
import { LeaderLease } from './leader-lease';
import type { NatsConnectionService } from './nats-connection.service';

const RENEW_MS = 1_000;

export interface LeasedConsumerOptions {
  stream: string;
  durable: string;
  /** Lease key: the replicas competing for it write the same read model. */
  leaseKey: string;
  leaseTtlMs: number;
  replicas: number;
  /** Messages applied at once; those with the same key one after another, in log order. */
  inFlight: number;
  keyOf: (m: JsMsg) => string;
  handle: (m: JsMsg) => Promise<void>;
  /** Where a rebuild asks the holder to step down (payload: how long to stay away, ms). */
  stepDownSubject?: string;
  /** Runs each time this replica takes the lease, before it consumes (e.g. to load a schedule). */
  onAcquire?: () => Promise<void>;
  logger: Logger;
}

/** Creates a durable pull consumer, or brings its ack wait up to date. Safe from every replica. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
    await jsm.consumers.update(stream, config.durable_name, { ack_wait: config.ack_wait });
  } catch {
    await jsm.consumers.add(stream, config).catch((e: Error) => {
      if (!/already/i.test(e.message)) throw e;
    });
  }
}

/**
 * A durable consumer that only the holder of a lease consumes. FerretDB v1 updates are
 * read-then-write, not atomic, so a read model must have one writer at a time; the other
 * replicas stand by and take over within a lease period when the holder dies.
 */
export class LeasedConsumer {
  private readonly mutex = new KeyedMutex();
  private readonly lease: LeaderLease;
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stepDown?: Subscription;
  private holdOffUntil = 0;
  private stopping = false;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly options: LeasedConsumerOptions,
  ) {
    this.lease = new LeaderLease(
      nats.js,
      options.leaseKey,
      randomUUID(),
      options.leaseTtlMs,
      options.replicas,
    );
  }

  /** Whether this replica holds the lease (and so does the singleton work) right now. */
  get holding(): boolean {
    return this.messages !== undefined;
  }

  /** The key a message is applied under (its session, its device). */
  keyOf(m: JsMsg): string {
    return this.options.keyOf(m);
  }

  /** Runs work on a key in turn with the consumer's own messages of that key. */
  runKeyed<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(key, work);
  }

  async start(): Promise<void> {
    if (this.options.stepDownSubject) {
      this.stepDown = this.nats.nc.subscribe(this.options.stepDownSubject, {
        callback: (_err, msg) => void this.yieldLease(Number(msg.string())),
      });
    }
    await this.tick();
    this.timer = setInterval(() => void this.tick(), RENEW_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.stepDown?.unsubscribe();
    await this.stopConsuming();
    await this.lease.release();
  }

  /** Take, keep or lose the lease, and consume exactly while holding it. */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    const { logger, durable, stream } = this.options;
    try {
      if (this.messages) {
        if (!(await this.lease.renew())) {
          logger.warn({ msg: 'lost the lease; standing by', consumer: durable });
          await this.stopConsuming();
        }
      } else if (Date.now() >= this.holdOffUntil && (await this.lease.tryAcquire())) {
        await this.options.onAcquire?.();
        const consumer = await this.nats.js.consumers.get(stream, durable);
        this.messages = await consumer.consume({ max_messages: 256 });
        this.running = this.run(this.messages);
        logger.log({ msg: 'took the lease; consuming', consumer: durable });
      }
    } catch (e) {
      logger.warn({ msg: 'lease check failed', consumer: durable, error: (e as Error).message });
    }
  }

  /** Someone (a rebuild) asks for the lease; with 0 it says it is done with it. */
  private async yieldLease(holdOffMs: number): Promise<void> {
    this.holdOffUntil = Date.now() + (Number.isFinite(holdOffMs) ? holdOffMs : 10_000);
    if (!this.messages) return;
    await this.stopConsuming();
    await this.lease.release();
    this.options.logger.log({
      msg: 'handed the lease over',
      consumer: this.options.durable,
      hold_off_ms: holdOffMs,
    });
  }

  private async stopConsuming(): Promise<void> {
    const messages = this.messages;
    this.messages = undefined;
    await messages?.close();
    await this.running;
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.inFlight >= this.options.inFlight)
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.inFlight++;
      void this.mutex
        .run(this.options.keyOf(m), () => this.options.handle(m))
        .catch((e: Error) => this.options.logger.error({ msg: 'handler failed', error: e.message }))
        .finally(() => {
          this.inFlight--;
          this.waiters.shift()?.();
        });
    }
  }
}
