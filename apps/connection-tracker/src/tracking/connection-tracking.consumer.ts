import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import {
  DEVICE_EVENTS_WILDCARD,
  EVENTS_STREAM,
  SESSION_EVENTS_WILDCARD,
  isConnectionEventType,
  isSessionEventType,
  type AnySessionEvent,
  type ConnectionEnvelope,
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
  NatsConnectionService,
  PoisonMessageError,
  settleMessage,
} from '@cobrowse/messaging';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { ApplyTrackedEventUseCase } from './apply-tracked-event.usecase';
import { TrackingKeys } from './tracking-keys';

export const TRACKER_CONSUMER = 'connection-tracker';
/** Refusals by the database before a fact is parked (outages are waited out, not counted). */
const MAX_ATTEMPTS = 5;

/**
 * Session events and connection facts into devices and session deadlines. Every replica
 * runs this; the lease holder consumes (one writer: FerretDB updates are not atomic), the
 * facts of one device one after another in log order, different devices in parallel.
 */
@Injectable()
export class ConnectionTrackingConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionTrackingConsumer.name);
  private consumer?: LeasedConsumer;
  private replay?: DeadLetterReplay;
  private readonly deadLetters: DeadLetters;
  private keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplyTrackedEventUseCase,
    private readonly schedule: DeadlineSchedule,
    private readonly config: AppConfig,
  ) {
    this.deadLetters = new DeadLetters(nats, TRACKER_CONSUMER);
  }

  /** True on the replica that holds the lease: it alone sweeps deadlines. */
  get holding(): boolean {
    return this.consumer?.holding ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(this.nats.jsm, eventLogOptions(this.config));
    await ensureDeadLetterStream(this.nats.jsm, eventLogOptions(this.config));
    await ensureDurableConsumer(this.nats.jsm, EVENTS_STREAM, {
      durable_name: TRACKER_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subjects: [DEVICE_EVENTS_WILDCARD, SESSION_EVENTS_WILDCARD],
      ack_wait: 10_000_000_000,
      max_ack_pending: 1_000,
    });
    const consumer = new LeasedConsumer(this.nats, {
      stream: EVENTS_STREAM,
      durable: TRACKER_CONSUMER,
      leaseKey: TRACKER_CONSUMER,
      leaseTtlMs: 5_000,
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      inFlight: 64,
      keyOf: (m) => this.keys.keyOf(m),
      handle: (m) => this.settle(m, (reason, attempts) => this.deadLetters.park(m, reason, attempts)),
      onAcquire: async () => {
        this.keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));
        await this.schedule.load();
      },
      logger: this.logger,
    });
    this.consumer = consumer;
    await consumer.start();
    // A replay tries once: the event already had its attempts.
    this.replay = new DeadLetterReplay(
      this.nats,
      TRACKER_CONSUMER,
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
    const event = parseTrackedEvent(m.data);
    await settleMessage(
      m,
      async () => {
        if (!event) throw new PoisonMessageError('not an event');
        if (isConnectionEventType(event.type)) await this.apply.connection(event as ConnectionEnvelope);
        else if (isSessionEventType(event.type)) {
          await this.apply.session(event as AnySessionEvent);
          if (event.type === 'session.deactivated')
            this.keys.forget(event.tenant, (event as AnySessionEvent).session_id);
        }
      },
      {
        maxAttempts,
        isOutage: isDatabaseUnreachable,
        active: () => this.holding,
        park,
        logger: this.logger,
        context: { consumer: TRACKER_CONSUMER, seq: m.seq },
      },
    );
  }
}

/** A logged session event or connection fact, or null for anything else on the subjects. */
function parseTrackedEvent(data: Uint8Array): AnySessionEvent | ConnectionEnvelope | null {
  try {
    const event = JSON.parse(Buffer.from(data).toString('utf8')) as AnySessionEvent | ConnectionEnvelope;
    return event &&
      typeof event === 'object' &&
      typeof event.tenant === 'string' &&
      typeof event.recorded_at === 'number'
      ? event
      : null;
  } catch {
    return null;
  }
}
