import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, type JsMsg } from 'nats';
import {
  CONSUMERS,
  EVENTS_STREAM,
  parseLogSubject,
  parseSessionEvent,
  SESSION_EVENTS_WILDCARD,
  sessionUpdatedSubject,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import {
  EventLog,
  LeaderConsumer,
  Leadership,
  NATS_MAX_MESSAGE_BYTES,
  NatsConnectionService,
  type GroupOutcome,
  type MessageGroup,
} from '@cobrowse/messaging';
import { PoisonMessageError } from '@cobrowse/resilience';
import { sessionExpiresAt, toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { SessionExpiryWatch } from '../retention/session-expiry.watch';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { wholeSnapshots } from './announcements';
import { ProjectBatchUseCase } from './project-batch.usecase';

export const PROJECTOR_CONSUMER = CONSUMERS.projector;
/** Who may write the sessions read model right now: one live projector replica, or a rebuild. */
export const PROJECTOR_LEASE_KEY = CONSUMERS.projector;
/** Messages folded into one batch of writes at most. */
const MAX_BATCH = 500;
/** Refusals by the database before an event is parked (outages are waited out, not counted). */
const MAX_ATTEMPTS = 5;
/** Messages left with a replica that stopped leading come back after this. */
const ACK_WAIT_NS = 10_000_000_000;

/**
 * Folds the event log into the sessions read model. Every replica runs this; the leader
 * consumes (LeaderConsumer) in batches: whatever arrived while the previous batch was being
 * written, each session's events in log order (ProjectBatchUseCase). A message is acked only
 * after its batch's writes, so a crash redelivers it.
 */
@Injectable()
export class SessionProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionProjectionConsumer.name);
  private readonly consumer: LeaderConsumer;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    leadership: Leadership,
    private readonly project: ProjectBatchUseCase,
    private readonly retention: RetentionPolicyRepository,
    private readonly expiry: SessionExpiryWatch,
    locator: ReadModelLocator,
  ) {
    this.consumer = new LeaderConsumer(nats, leadership, {
      stream: EVENTS_STREAM,
      config: {
        durable_name: PROJECTOR_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: SESSION_EVENTS_WILDCARD,
        ack_wait: ACK_WAIT_NS,
        max_ack_pending: 1_000,
      },
      keyOf: sessionKeyOf,
      apply: { batch: (groups) => this.projectBatch(groups), maxBatch: MAX_BATCH },
      // A term writes where the pointer says now: a rebuild switches it only while it holds
      // the lease, so a term that begins after a switch never writes to the old generation,
      // even on a replica that missed the announcement and has not polled since.
      onLead: () => locator.refresh(),
      maxAttempts: MAX_ATTEMPTS,
      logger: this.logger,
    });
    // Another leader (or a rebuild) may write while this replica does not lead.
    leadership.onChange(() => project.forgetWritten());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.log.ensureLogAndDeadLetters();
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async projectBatch(groups: MessageGroup[]): Promise<GroupOutcome[]> {
    const { outcomes, changed } = await this.project.execute(
      groups.map((g) =>
        g.messages.map((m) => {
          const parsed = parseSessionEvent(m.data);
          return 'reason' in parsed ? new PoisonMessageError(parsed.reason) : parsed.event;
        }),
      ),
    );
    const whole = wholeSnapshots(changed);
    changed.forEach((session, i) => this.announce(session, whole[i]));
    return outcomes;
  }

  /** Side effects of a session's applied events; a failure here never counts against them. */
  private announce(session: SessionSnapshot, whole: boolean): void {
    if (session.ended_recorded_at !== null) this.expiry.note(session.tenant, session.ended_recorded_at);
    this.publishUpdate(session, whole).catch((e: Error) =>
      this.logger.warn({ msg: 'could not publish session-updated', error: e.name }),
    );
  }

  private async publishUpdate(session: SessionSnapshot, whole: boolean): Promise<void> {
    const expiresAt = sessionExpiresAt(
      session.ended_recorded_at,
      await this.retention.forTenant(session.tenant),
    );
    const now = Date.now();
    // Subscribers get a slim snapshot (without pages and metadata, marked truncated) for a
    // step a later one of the batch follows, and for a session with many long pages that
    // outgrows one NATS message; they read the whole one over REST.
    const slim = () =>
      JSON.stringify({
        ...toSessionResource({ ...session, pages: [], metadata: {} }, now, expiresAt),
        truncated: true,
      });
    let payload = whole ? JSON.stringify(toSessionResource(session, now, expiresAt)) : slim();
    if (Buffer.byteLength(payload) > (this.nats.nc.info?.max_payload ?? NATS_MAX_MESSAGE_BYTES) - 1024)
      payload = slim();
    this.nats.nc.publish(sessionUpdatedSubject(session.tenant, session.id), payload);
  }
}

/** A session's events are applied one after another: the key is `<tenant>/<session id>`. */
function sessionKeyOf(m: JsMsg): string {
  const subject = parseLogSubject(m.subject);
  return subject ? `${subject.tenant}/${subject.id}` : m.subject;
}
