import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  headers as natsHeaders,
  type ConsumerMessages,
  type JsMsg,
  type Subscription,
} from 'nats';
import {
  DEAD_LETTER_STREAM,
  EVENTS_STREAM,
  SESSION_EVENTS_WILDCARD,
  deadLetterSubject,
  sessionUpdatedSubject,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import {
  ensureDeadLetterStream,
  ensureEventStream,
  eventLogOptions,
  KeyedMutex,
  LeaderLease,
  NatsConnectionService,
} from '@cobrowse/messaging';
import { toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository, sessionExpiresAt } from '../retention/retention-policy.repository';
import { ApplySessionEventUseCase, PoisonEventError } from './apply-session-event.usecase';
import { parseLoggedEvent } from './parse-event';

export const PROJECTOR_CONSUMER = 'history-projector';
/** Who may write the sessions read model right now: one live projector replica, or a rebuild. */
export const PROJECTOR_LEASE_KEY = 'history-projector';
export const PROJECTOR_STEP_DOWN_SUBJECT = 'cobrowse-svc.projector.step-down';
export const LEASE_TTL_MS = 5_000;
const LEASE_RENEW_MS = 1_000;
const IN_FLIGHT = 64;
const RETRY_MS = 1_000;

/**
 * The durable JetStream consumer of the sessions read model. Every replica runs this, but
 * only the holder of a lease consumes: FerretDB v1 updates are read-then-write, not atomic,
 * so two writers could interleave on one session. The others stand by and take over within
 * a lease period when the holder dies. Events of one session are applied in log order; a
 * message is acked only after its write, so a crash redelivers it.
 */
@Injectable()
export class SessionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProjectionConsumer.name);
  private readonly mutex = new KeyedMutex();
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private lease!: LeaderLease;
  private leaseTimer?: NodeJS.Timeout;
  private holdOffUntil = 0;
  private stepDown?: Subscription;
  private stopping = false;
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplySessionEventUseCase,
    private readonly retention: RetentionPolicyRepository,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = this.nats.jsm;
    await ensureEventStream(jsm, eventLogOptions(this.config));
    await ensureDeadLetterStream(jsm, eventLogOptions(this.config));
    const config = {
      durable_name: PROJECTOR_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: SESSION_EVENTS_WILDCARD,
      // Messages left with a replica that lost its lease come back after this.
      ack_wait: 10_000_000_000,
      max_ack_pending: 1_000,
    };
    try {
      await jsm.consumers.info(EVENTS_STREAM, PROJECTOR_CONSUMER);
      await jsm.consumers.update(EVENTS_STREAM, PROJECTOR_CONSUMER, { ack_wait: config.ack_wait });
    } catch {
      await jsm.consumers.add(EVENTS_STREAM, config).catch((e: Error) => {
        if (!/already/i.test(e.message)) throw e;
      });
    }
    this.lease = new LeaderLease(
      this.nats.js,
      PROJECTOR_LEASE_KEY,
      randomUUID(),
      LEASE_TTL_MS,
      this.config.EVENTS_STREAM_REPLICAS,
    );
    this.stepDown = this.nats.nc.subscribe(PROJECTOR_STEP_DOWN_SUBJECT, {
      callback: (_err, msg) => void this.yieldLease(Number(msg.string())),
    });
    await this.tick();
    this.leaseTimer = setInterval(() => void this.tick(), LEASE_RENEW_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.leaseTimer);
    this.stepDown?.unsubscribe();
    await this.stopConsuming();
    await this.lease?.release();
  }

  /** Take, keep or lose the lease, and consume exactly while holding it. */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    try {
      if (this.messages) {
        if (!(await this.lease.renew())) {
          this.logger.warn({ msg: 'lost the projection lease; standing by' });
          await this.stopConsuming();
        }
      } else if (Date.now() >= this.holdOffUntil && (await this.lease.tryAcquire())) {
        const consumer = await this.nats.js.consumers.get(EVENTS_STREAM, PROJECTOR_CONSUMER);
        this.messages = await consumer.consume({ max_messages: 256 });
        this.running = this.run(this.messages);
        this.logger.log({ msg: 'took the projection lease; consuming' });
      }
    } catch (e) {
      this.logger.warn({ msg: 'projection lease check failed', error: (e as Error).message });
    }
  }

  /** A rebuild asks for the lease (and, with 0, says it is done with it); hand it over and stay away meanwhile. */
  private async yieldLease(holdOffMs: number): Promise<void> {
    this.holdOffUntil = Date.now() + (Number.isFinite(holdOffMs) ? holdOffMs : 10_000);
    if (!this.messages) return;
    await this.stopConsuming();
    await this.lease.release();
    this.logger.log({ msg: 'handed the projection lease over', hold_off_ms: holdOffMs });
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
      if (this.inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.inFlight++;
      const key = m.subject.split('.').slice(1, 4).join('.');
      void this.mutex
        .run(key, () => this.handle(m))
        .finally(() => {
          this.inFlight--;
          this.waiters.shift()?.();
        });
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const parsed = parseLoggedEvent(m.data);
    if ('reason' in parsed) return this.park(m, parsed.reason);
    try {
      const result = await this.apply.execute(parsed.event);
      if (result.outcome === 'gap') {
        // An earlier version could not be applied even from the log: it was parked, so this one never can be.
        return this.park(m, `version ${result.have + 1} of the session cannot be applied`);
      }
      m.ack();
      if (result.outcome === 'applied') {
        const { tenant, id } = result.snapshot;
        this.nats.nc.publish(
          sessionUpdatedSubject(tenant, id),
          JSON.stringify(
            toSessionResource(result.snapshot, Date.now(), await this.expiresAt(result.snapshot)),
          ),
        );
      }
    } catch (e) {
      if (e instanceof PoisonEventError) return this.park(m, e.message);
      this.logger.warn({
        msg: 'projection write failed; will retry',
        error: (e as Error).message,
        seq: m.seq,
      });
      m.nak(RETRY_MS);
    }
  }

  private async expiresAt(session: SessionSnapshot): Promise<number | null> {
    return sessionExpiresAt(session.ended_recorded_at, await this.retention.forTenant(session.tenant));
  }

  /** Poison events go to the dead-letter stream with the reason, and stop blocking the consumer. */
  private async park(m: JsMsg, reason: string): Promise<void> {
    const h = natsHeaders();
    h.set('Cobrowse-Dead-Letter-Reason', reason.slice(0, 1000));
    h.set('Cobrowse-Original-Subject', m.subject);
    h.set('Cobrowse-Original-Sequence', String(m.seq));
    try {
      await this.nats.js.publish(deadLetterSubject(PROJECTOR_CONSUMER), m.data, {
        headers: h,
        msgID: `${PROJECTOR_CONSUMER}/${m.seq}`,
        expect: { streamName: DEAD_LETTER_STREAM },
      });
      this.logger.error({ msg: 'parked a poison event', seq: m.seq, reason });
      m.term(reason);
    } catch (e) {
      this.logger.warn({ msg: 'could not park; will retry', error: (e as Error).message });
      m.nak(RETRY_MS);
    }
  }
}
