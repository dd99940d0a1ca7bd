import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import {
  CONSUMERS,
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
  ensureDeadLetterStream,
  ensureEventStream,
  eventLogOptions,
  LeaderConsumer,
  Leadership,
  NatsConnectionService,
  NotLeaderError,
  PoisonMessageError,
} from '@cobrowse/messaging';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { ApplyTrackedEventUseCase } from './apply-tracked-event.usecase';
import { TrackingKeys } from './tracking-keys';

export const TRACKER_CONSUMER = CONSUMERS.tracker;
/** Refusals by the database before a fact is parked (outages are waited out, not counted). */
const MAX_ATTEMPTS = 5;

/**
 * Session events and connection facts into devices and session deadlines. Every replica
 * runs this; the leader consumes (one writer: FerretDB updates are not atomic), the facts of
 * one device one after another in log order, different devices in parallel.
 */
@Injectable()
export class ConnectionTrackingConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionTrackingConsumer.name);
  private readonly consumer: LeaderConsumer;
  private keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));

  constructor(
    private readonly nats: NatsConnectionService,
    leadership: Leadership,
    private readonly apply: ApplyTrackedEventUseCase,
    private readonly schedule: DeadlineSchedule,
    private readonly config: AppConfig,
  ) {
    this.consumer = new LeaderConsumer(nats, leadership, {
      stream: EVENTS_STREAM,
      config: {
        durable_name: TRACKER_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subjects: [DEVICE_EVENTS_WILDCARD, SESSION_EVENTS_WILDCARD],
        ack_wait: 10_000_000_000,
        max_ack_pending: 1_000,
      },
      keyOf: (m) => this.keys.keyOf(m),
      apply: { one: (m) => this.track(m), inFlight: 64 },
      // A device skips a fact older than the last it applied: a handover must not reorder them.
      inOrderAcrossTerms: true,
      // A write refused because this replica stopped leading is handed back, never counted.
      isOutage: (e) => isDatabaseUnreachable(e) || e instanceof NotLeaderError,
      maxAttempts: MAX_ATTEMPTS,
      onLead: async () => {
        this.keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));
        await this.schedule.load();
      },
      logger: this.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureEventStream(this.nats.jsm, eventLogOptions(this.config));
    await ensureDeadLetterStream(this.nats.jsm, eventLogOptions(this.config));
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async track(m: JsMsg): Promise<void> {
    const event = parseTrackedEvent(m.data);
    if (!event) throw new PoisonMessageError('not an event');
    if (isConnectionEventType(event.type)) await this.apply.connection(event as ConnectionEnvelope, m.seq);
    else if (isSessionEventType(event.type)) {
      await this.apply.session(event as AnySessionEvent, m.seq);
      if (event.type === 'session.deactivated')
        this.keys.forget(event.tenant, (event as AnySessionEvent).session_id);
    }
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
