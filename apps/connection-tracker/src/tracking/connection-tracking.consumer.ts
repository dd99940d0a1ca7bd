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
import {
  ensureDurableConsumer,
  ensureEventStream,
  eventLogOptions,
  LeasedConsumer,
  NatsConnectionService,
} from '@cobrowse/messaging';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { ApplyTrackedEventUseCase } from './apply-tracked-event.usecase';
import { TrackingKeys } from './tracking-keys';

export const TRACKER_CONSUMER = 'connection-tracker';

/**
 * Session events and connection facts into devices and session deadlines. Every replica
 * runs this; the lease holder consumes (one writer: FerretDB updates are not atomic), the
 * facts of one device one after another in log order, different devices in parallel.
 */
@Injectable()
export class ConnectionTrackingConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionTrackingConsumer.name);
  private consumer?: LeasedConsumer;
  private keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly apply: ApplyTrackedEventUseCase,
    private readonly schedule: DeadlineSchedule,
    private readonly config: AppConfig,
  ) {}

  /** True on the replica that holds the lease: it alone sweeps deadlines. */
  get holding(): boolean {
    return this.consumer?.holding ?? false;
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(this.nats.jsm, eventLogOptions(this.config));
    await ensureDurableConsumer(this.nats.jsm, EVENTS_STREAM, {
      durable_name: TRACKER_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subjects: [DEVICE_EVENTS_WILDCARD, SESSION_EVENTS_WILDCARD],
      ack_wait: 10_000_000_000,
      max_ack_pending: 1_000,
    });
    this.consumer = new LeasedConsumer(this.nats, {
      stream: EVENTS_STREAM,
      durable: TRACKER_CONSUMER,
      leaseKey: TRACKER_CONSUMER,
      leaseTtlMs: 5_000,
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      inFlight: 64,
      keyOf: (m) => this.keys.keyOf(m),
      handle: (m) => this.handle(m),
      onAcquire: async () => {
        this.keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));
        await this.schedule.load();
      },
      logger: this.logger,
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(m: JsMsg): Promise<void> {
    let event: (AnySessionEvent | ConnectionEnvelope) | null = null;
    try {
      event = JSON.parse(Buffer.from(m.data).toString('utf8'));
    } catch {
      /* handled below */
    }
    if (
      !event ||
      typeof event !== 'object' ||
      typeof event.tenant !== 'string' ||
      typeof event.recorded_at !== 'number'
    ) {
      this.logger.error({ msg: 'skipping a message that is not an event', seq: m.seq });
      return m.term('not an event');
    }
    try {
      if (isConnectionEventType(event.type)) await this.apply.connection(event as ConnectionEnvelope);
      else if (isSessionEventType(event.type)) {
        await this.apply.session(event as AnySessionEvent);
        if (event.type === 'session.deactivated')
          this.keys.forget(event.tenant, (event as AnySessionEvent).session_id);
      }
      m.ack();
    } catch (e) {
      this.logger.warn({ msg: 'tracking write failed; will retry', error: (e as Error).message, seq: m.seq });
      m.nak(1_000);
    }
  }
}
