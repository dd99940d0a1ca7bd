import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import {
  EVENTS_STREAM,
  SESSION_EVENTS_WILDCARD,
  sessionUpdatedSubject,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { isDatabaseUnreachable } from '@cobrowse/persistence';
import {
  DeadLetterReplay,
  DeadLetters,
  ensureDeadLetterStream,
  ensureDurableConsumer,
  ensureEventStream,
  eventLogOptions,
  LeasedConsumer,
  NATS_MAX_MESSAGE_BYTES,
  NatsConnectionService,
  PoisonMessageError,
  settleMessage,
} from '@cobrowse/messaging';
import { toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository, sessionExpiresAt } from '../retention/retention-policy.repository';
import { SessionExpiryWatch } from '../retention/session-expiry.watch';
import { ApplySessionEventUseCase } from './apply-session-event.usecase';
import { parseLoggedEvent } from './parse-event';

export const PROJECTOR_CONSUMER = 'history-projector';
/** Who may write the sessions read model right now: one live projector replica, or a rebuild. */
export const PROJECTOR_LEASE_KEY = 'history-projector';
export const PROJECTOR_STEP_DOWN_SUBJECT = 'cobrowse-svc.projector.step-down';
export const LEASE_TTL_MS = 5_000;
const IN_FLIGHT = 64;
/** Refusals by the database before an event is parked (outages are waited out, not counted). */
const MAX_ATTEMPTS = 5;
/** Messages left with a replica that lost its lease come back after this. */
const ACK_WAIT_NS = 10_000_000_000;

/**
 * Folds the event log into the sessions read model. Every replica runs this; the holder of
 * the projection lease consumes (see LeasedConsumer), events of one session in log order.
 * A message is acked only after its write, so a crash redelivers it.
 */
@Injectable()
export class SessionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProjectionConsumer.name);
  private consumer?: LeasedConsumer;
  private replay?: DeadLetterReplay;
  private readonly deadLetters: DeadLetters;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplySessionEventUseCase,
    private readonly retention: RetentionPolicyRepository,
    private readonly expiry: SessionExpiryWatch,
    private readonly config: AppConfig,
  ) {
    this.deadLetters = new DeadLetters(nats, PROJECTOR_CONSUMER);
  }

  /** True on the replica that holds the projection lease: it alone applies retention. */
  get holding(): boolean {
    return this.consumer?.holding ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = this.nats.jsm;
    await ensureEventStream(jsm, eventLogOptions(this.config));
    await ensureDeadLetterStream(jsm, eventLogOptions(this.config));
    await ensureDurableConsumer(jsm, EVENTS_STREAM, {
      durable_name: PROJECTOR_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: SESSION_EVENTS_WILDCARD,
      ack_wait: ACK_WAIT_NS,
      max_ack_pending: 1_000,
    });
    const consumer = new LeasedConsumer(this.nats, {
      stream: EVENTS_STREAM,
      durable: PROJECTOR_CONSUMER,
      leaseKey: PROJECTOR_LEASE_KEY,
      leaseTtlMs: LEASE_TTL_MS,
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      inFlight: IN_FLIGHT,
      keyOf: sessionKeyOf,
      handle: (m) => this.settle(m, (reason, attempts) => this.deadLetters.park(m, reason, attempts)),
      stepDownSubject: PROJECTOR_STEP_DOWN_SUBJECT,
      logger: this.logger,
    });
    this.consumer = consumer;
    await consumer.start();
    // A replay tries once: the event already had its attempts.
    this.replay = new DeadLetterReplay(
      this.nats,
      PROJECTOR_CONSUMER,
      consumer,
      (m, park) => this.settle(m, park, 1),
      this.logger,
    );
    this.replay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.replay?.stop();
    await this.consumer?.stop();
  }

  /** Applies one logged message until it is settled, parking it through `park` if it cannot be. */
  private async settle(
    m: JsMsg,
    park: (reason: string, attempts: number) => Promise<void>,
    maxAttempts = MAX_ATTEMPTS,
  ): Promise<void> {
    const parsed = parseLoggedEvent(m.data);
    await settleMessage(
      m,
      async () => {
        if ('reason' in parsed) throw new PoisonMessageError(parsed.reason);
        const result = await this.apply.execute(parsed.event);
        // An earlier version could not be applied even from the log: it was parked, so this one never can be.
        if (result.outcome === 'gap')
          throw new PoisonMessageError(`version ${result.have + 1} of the session cannot be applied`);
        if (result.outcome === 'applied') this.announce(result.snapshot);
      },
      {
        maxAttempts,
        isOutage: isDatabaseUnreachable,
        active: () => this.holding,
        park,
        logger: this.logger,
        context: { consumer: PROJECTOR_CONSUMER, seq: m.seq },
      },
    );
  }

  /** Side effects of an applied event; a failure here never counts against the event. */
  private announce(session: SessionSnapshot): void {
    if (session.ended_recorded_at !== null) this.expiry.note(session.tenant, session.ended_recorded_at);
    this.publishUpdate(session).catch((e: Error) =>
      this.logger.warn({ msg: 'could not publish session-updated', error: e.name }),
    );
  }

  private async publishUpdate(session: SessionSnapshot): Promise<void> {
    const expiresAt = sessionExpiresAt(
      session.ended_recorded_at,
      await this.retention.forTenant(session.tenant),
    );
    const resource = toSessionResource(session, Date.now(), expiresAt);
    let payload = JSON.stringify(resource);
    // A session with many long pages can outgrow one NATS message: subscribers then get it
    // without pages and metadata, marked truncated, and read the whole one over REST.
    if (Buffer.byteLength(payload) > (this.nats.nc.info?.max_payload ?? NATS_MAX_MESSAGE_BYTES) - 1024)
      payload = JSON.stringify({ ...resource, pages: [], metadata: {}, truncated: true });
    this.nats.nc.publish(sessionUpdatedSubject(session.tenant, session.id), payload);
  }
}

/** A session's events are applied one after another: the key is `<tenant>.session.<id>`. */
function sessionKeyOf(m: JsMsg): string {
  return m.subject.split('.').slice(1, 4).join('.');
}
