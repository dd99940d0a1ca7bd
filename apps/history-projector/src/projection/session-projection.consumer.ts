import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, headers as natsHeaders, type JsMsg } from 'nats';
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
  ensureDurableConsumer,
  ensureEventStream,
  eventLogOptions,
  LeasedConsumer,
  NatsConnectionService,
} from '@cobrowse/messaging';
import { toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository, sessionExpiresAt } from '../retention/retention-policy.repository';
import { SessionExpiryWatch } from '../retention/session-expiry.watch';
import { ApplySessionEventUseCase, PoisonEventError } from './apply-session-event.usecase';
import { parseLoggedEvent } from './parse-event';

export const PROJECTOR_CONSUMER = 'history-projector';
/** Who may write the sessions read model right now: one live projector replica, or a rebuild. */
export const PROJECTOR_LEASE_KEY = 'history-projector';
export const PROJECTOR_STEP_DOWN_SUBJECT = 'cobrowse-svc.projector.step-down';
export const LEASE_TTL_MS = 5_000;
const IN_FLIGHT = 64;
const RETRY_MS = 1_000;
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

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplySessionEventUseCase,
    private readonly retention: RetentionPolicyRepository,
    private readonly expiry: SessionExpiryWatch,
    private readonly config: AppConfig,
  ) {}

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
    this.consumer = new LeasedConsumer(this.nats, {
      stream: EVENTS_STREAM,
      durable: PROJECTOR_CONSUMER,
      leaseKey: PROJECTOR_LEASE_KEY,
      leaseTtlMs: LEASE_TTL_MS,
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      inFlight: IN_FLIGHT,
      keyOf: (m) => m.subject.split('.').slice(1, 4).join('.'),
      handle: (m) => this.handle(m),
      stepDownSubject: PROJECTOR_STEP_DOWN_SUBJECT,
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
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
        const ended = result.snapshot.ended_recorded_at;
        if (ended !== null) this.expiry.note(result.snapshot.tenant, ended);
        await this.publishUpdate(result.snapshot);
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

  private async publishUpdate(session: SessionSnapshot): Promise<void> {
    const expiresAt = sessionExpiresAt(
      session.ended_recorded_at,
      await this.retention.forTenant(session.tenant),
    );
    this.nats.nc.publish(
      sessionUpdatedSubject(session.tenant, session.id),
      JSON.stringify(toSessionResource(session, Date.now(), expiresAt)),
    );
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
