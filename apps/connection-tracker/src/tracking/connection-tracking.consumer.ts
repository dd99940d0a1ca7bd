import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy } from 'nats';
import { CONSUMERS, EVENTS_STREAM, parseEnvelope, type AnySessionEvent } from '@cobrowse/contracts';
import {
  EventLog,
  LeaderConsumer,
  Leadership,
  type GroupOutcome,
  type MessageGroup,
  NatsConnectionService,
} from '@cobrowse/messaging';
import { PoisonMessageError } from '@cobrowse/resilience';
import { DeadlineSchedule } from '../timeouts/deadline-schedule';
import { ApplyTrackedEventUseCase } from './apply-tracked-event.usecase';
import type { TrackedFact } from './device-fold';
import { TrackingKeys } from './tracking-keys';

export const TRACKER_CONSUMER = CONSUMERS.tracker;
/** Refusals by the database before a fact is parked (outages are waited out, not counted). */
const MAX_ATTEMPTS = 5;
/** Facts per batch at most: whatever arrived while the previous batch was written. */
const MAX_BATCH = 500;
/**
 * Facts delivered and not yet applied, at most. A device's facts wait together for their
 * batch, so a deeper window folds more of them into one device write when the tracker is
 * behind (the bench's drain: 4,000 against 1,000 halves the device writes per fact, relays
 * interleaving ~1,700 devices); at a steady pace batches stay as small as what arrives.
 */
const MAX_PENDING = 4_000;

/**
 * Session events and connection facts into devices and session deadlines. Every replica
 * runs this; the leader consumes (one writer: FerretDB updates are not atomic) in batches:
 * the facts of one device folded together in log order, different devices in parallel.
 */
@Injectable()
export class ConnectionTrackingConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionTrackingConsumer.name);
  private readonly consumer: LeaderConsumer;
  private keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    leadership: Leadership,
    private readonly apply: ApplyTrackedEventUseCase,
    private readonly schedule: DeadlineSchedule,
  ) {
    this.consumer = new LeaderConsumer(nats, leadership, {
      stream: EVENTS_STREAM,
      config: {
        durable_name: TRACKER_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        // No filter: the tracker reads the whole log (session events and connection facts,
        // every subject of the stream). Naming both wildcards as filters made the server walk
        // them for each message: ~0.7 ms of its CPU per message against ~0.03 unfiltered.
        ack_wait: 10_000_000_000,
        max_ack_pending: MAX_PENDING,
      },
      keyOf: (m) => this.keys.keyOf(m),
      apply: { batch: (groups) => this.applyBatch(groups), maxBatch: MAX_BATCH },
      // A device skips a fact older than the last it applied: a handover must not reorder them.
      inOrderAcrossTerms: true,
      maxAttempts: MAX_ATTEMPTS,
      onLead: async () => {
        this.keys = new TrackingKeys((tenant, session) => this.schedule.deviceOf(tenant, session));
        await this.schedule.load();
      },
      logger: this.logger,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.log.ensureLogAndDeadLetters();
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  /**
   * Each key's messages of a batch, applied together. A message that is not an event is
   * poison: those before it apply, it is parked, and those after it wait for the next batch.
   */
  private async applyBatch(groups: MessageGroup[]): Promise<GroupOutcome[]> {
    const keys = groups.map((group) => parseUntilPoison(group));
    const outcomes = await this.apply.execute(keys);
    return outcomes.map((outcome, i) => {
      if (outcome.failure !== undefined) return outcome;
      for (const { event } of keys[i])
        if (event.type === 'session.deactivated')
          this.keys.forget(event.tenant, (event as AnySessionEvent).session_id);
      return keys[i].length === groups[i].messages.length
        ? outcome
        : { ...outcome, failure: new PoisonMessageError('not an event') };
    });
  }
}

/** A group's facts up to its first message that is not one. */
function parseUntilPoison(group: MessageGroup): TrackedFact[] {
  const facts: TrackedFact[] = [];
  for (const m of group.messages) {
    const parsed = parseEnvelope(m.data);
    if ('reason' in parsed) break;
    facts.push({ event: parsed.event, seq: m.seq });
  }
  return facts;
}
