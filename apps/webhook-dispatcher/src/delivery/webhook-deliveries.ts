import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'nats';
import { AppConfig } from '@cobrowse/config';
import {
  INTERNAL_SUBJECTS,
  isSessionEvent,
  type LoggedEvent,
  type WebhookEndpointRequest,
} from '@cobrowse/contracts';
import { EventLog, Leadership, NatsConnectionService } from '@cobrowse/messaging';
import { webhookDeliveries, webhookDeliveryDelay, webhookEndpointsDisabled } from '@cobrowse/observability';
import { sleep } from '@cobrowse/resilience';
import { RetentionPolicyClient } from '@cobrowse/platform';
import { sessionExpiresAt, toSessionResource } from '@cobrowse/session-domain';
import type { EndpointDocument } from '../endpoints/endpoint-document';
import { EndpointSubscriptions } from '../endpoints/endpoint-subscriptions';
import { WebhookEndpointsRepository } from '../endpoints/webhook-endpoints.repository';
import { AttemptsRepository } from './attempts.repository';
import { EndpointDelivery, type DeliveryContext, type DeliveryOutcome } from './endpoint-delivery';
import { RetrySchedule } from './retry-schedule';
import { SessionsAsOf } from './sessions-as-of';
import { sendWebhook } from './webhook-sender';

/** Every endpoint is checked against the store this often, in case an announcement was missed. */
const RECONCILE_EVERY_MS = 30_000;
/** How often a replay under way is checked for having sent all it covers. */
const REPLAY_CHECK_EVERY_MS = 1_000;
/** Messages an endpoint's consumer hands over per pull. */
const PULL_BATCH = 100;

/**
 * The dispatcher leader's deliveries: one EndpointDelivery per enabled endpoint, started when
 * this replica begins to lead (after the messages a previous leader held have come back, so a
 * session's events keep their order across the handover) and stopped when it stops. Endpoint
 * changes are announced by whichever replica made them, and checked every RECONCILE_EVERY_MS.
 */
@Injectable()
export class WebhookDeliveries implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveries.name);
  private readonly deliveries = new Map<string, EndpointDelivery>();
  private readonly starting = new Set<string>();
  private readonly replays = new Map<string, EndpointDelivery>();
  private replayTimer?: NodeJS.Timeout;
  private readonly schedule: RetrySchedule;
  private readonly context: DeliveryContext;
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  /** Changes to deliveries one at a time (a term's start, announcements, reconciles). */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    private readonly leadership: Leadership,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly subscriptions: EndpointSubscriptions,
    private readonly attempts: AttemptsRepository,
    private readonly sessions: SessionsAsOf,
    private readonly retention: RetentionPolicyClient,
  ) {
    this.schedule = RetrySchedule.parse(config.WEBHOOK_RETRY_SCHEDULE_MS);
    this.context = {
      schedule: this.schedule,
      send: (endpoint, headers, body) =>
        sendWebhook({
          url: endpoint.url,
          headers,
          body,
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
          allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE,
        }),
      // The endpoint's failure state is kept as well as the database allows: a database outage
      // must not hold back deliveries (they are in the log's hands). Attempts are recorded in the
      // background (AttemptsRepository.record).
      record: (endpoint, attempt) => this.attempts.record(endpoint.tenant, endpoint.id, attempt),
      settle: (outcome) =>
        this.settle(outcome).catch((e: Error) => {
          this.logger.warn({
            msg: "could not save an endpoint's delivery state",
            endpoint: outcome.endpoint._id,
            error: e.message,
          });
          return true;
        }),
      customData: async (event: LoggedEvent) =>
        isSessionEvent(event) ? ((await this.sessions.asOf(event))?.custom_data ?? null) : null,
      session: async (event) => {
        const session = await this.sessions.asOf(event);
        if (!session) return undefined;
        const policy = await this.retention.forTenant(event.tenant);
        return toSessionResource(session, Date.now(), sessionExpiresAt(session.ended_recorded_at, policy));
      },
      between: async (event, after, count) =>
        (await this.log.sessionHistoryAfter(event.tenant, event.session_id, after, count)).map(
          ({ seq, event: e }) => ({
            event: e,
            position: seq,
          }),
        ),
      observe: (outcome, delayMs) => {
        webhookDeliveries.inc({ outcome });
        if (delayMs !== null) webhookDeliveryDelay.observe(Math.max(0, delayMs) / 1000);
      },
      logger: this.logger,
    };
  }

  onApplicationBootstrap(): void {
    this.leadership.onChange((leading) => this.serially(() => (leading ? this.lead() : this.stopAll())));
    this.subscription = this.nats.nc.subscribe(INTERNAL_SUBJECTS.webhookEndpointChanged, {
      callback: (_e, msg) => {
        let changed: WebhookEndpointRequest;
        try {
          changed = JSON.parse(msg.string()) as WebhookEndpointRequest;
        } catch {
          return;
        }
        void this.serially(() => this.follow(changed.tenant, changed.id));
      },
    });
    this.timer = setInterval(() => void this.serially(() => this.reconcile()), RECONCILE_EVERY_MS);
    this.replayTimer = setInterval(
      () => void (this.replays.size && this.serially(() => this.finishReplays())),
      REPLAY_CHECK_EVERY_MS,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.replayTimer);
    this.subscription?.unsubscribe();
    await this.serially(() => this.stopAll());
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.changing.then(work).catch((e: Error) =>
      this.logger.warn({
        msg: 'webhook deliveries could not follow a change; the next check retries',
        error: e.message,
      }),
    );
    this.changing = next;
    return next;
  }

  private async lead(): Promise<void> {
    this.attempts.forget();
    await this.reconcile();
  }

  /** Brings the running deliveries in line with the stored endpoints. */
  private async reconcile(): Promise<void> {
    if (!this.leadership.isLeader) return;
    const stored = await this.endpoints.all();
    const wanted = new Map(stored.filter((e) => e.enabled).map((e) => [e._id, e]));
    for (const map of [this.deliveries, this.replays])
      for (const [id, delivery] of map)
        if (!wanted.has(id)) {
          map.delete(id);
          await delivery.stop();
        }
    for (const endpoint of wanted.values()) await this.run(endpoint);
  }

  private async follow(tenant: string, id: string): Promise<void> {
    if (!this.leadership.isLeader) return;
    const endpoint = await this.endpoints.find(tenant, id);
    if (endpoint?.enabled) return this.run(endpoint);
    const key = `${tenant}/${id}`;
    for (const map of [this.deliveries, this.replays]) {
      const delivery = map.get(key);
      map.delete(key);
      await delivery?.stop();
    }
  }

  private async run(endpoint: EndpointDocument): Promise<void> {
    await this.runReplay(endpoint);
    const running = this.deliveries.get(endpoint._id);
    await this.subscriptions.ensure(endpoint);
    if (running) return running.update(endpoint);
    if (this.starting.has(endpoint._id)) return;
    this.starting.add(endpoint._id);
    void this.start(endpoint, this.leadership.term).finally(() => this.starting.delete(endpoint._id));
  }

  /** An endpoint's replay, while its document has one (a new one replaces the one running). */
  private async runReplay(endpoint: EndpointDocument): Promise<void> {
    const running = this.replays.get(endpoint._id);
    if (
      running &&
      running.replay?.to === endpoint.replay?.to &&
      running.replay?.since === endpoint.replay?.since
    )
      return running.update(endpoint);
    if (running) {
      this.replays.delete(endpoint._id);
      await running.stop();
    }
    if (!endpoint.replay) return;
    try {
      const messages = await this.log.consume(EndpointSubscriptions.replayNameOf(endpoint), PULL_BATCH);
      const replay = new EndpointDelivery(endpoint, messages, this.context, endpoint.replay);
      this.replays.set(endpoint._id, replay);
      replay.start();
    } catch (e) {
      this.logger.warn({
        msg: 'could not start a replay; the next check retries',
        endpoint: endpoint._id,
        error: (e as Error).message,
      });
    }
  }

  /** Ends the replays that have sent everything they cover: their consumers go, the endpoint forgets them. */
  private async finishReplays(): Promise<void> {
    for (const [id, replay] of this.replays) {
      const covered = replay.replay!;
      const name = EndpointSubscriptions.replayNameOf({ id: id.slice(id.indexOf('/') + 1) });
      const backlog = await this.log.backlogOf(name);
      if (backlog.held > 0 || (backlog.pending > 0 && backlog.ackedTo < covered.to)) continue;
      this.replays.delete(id);
      await replay.stop();
      const stored = await this.endpoints.find(id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1));
      if (stored?.replay?.to === covered.to && stored.replay.since === covered.since) {
        await this.endpoints.set(stored, { replay: null });
        await this.subscriptions.dropReplay(stored);
      }
      this.logger.log({ msg: 'webhook replay done', endpoint: id });
    }
  }

  /**
   * Messages a previous leader held come back only once their ack wait has passed, and the
   * server would meanwhile hand this term later messages of the same session: an endpoint
   * whose consumer has messages held starts after that wait (the others at once).
   */
  private async start(endpoint: EndpointDocument, term: number): Promise<void> {
    const name = EndpointSubscriptions.nameOf(endpoint);
    try {
      if ((await this.log.backlogOf(name)).held > 0) {
        this.logger.log({ msg: 'waiting for the deliveries a previous leader held', consumer: name });
        await sleep(EndpointSubscriptions.ACK_WAIT_MS + 1_000);
      }
      const messages = await this.log.consume(name, PULL_BATCH);
      if (!this.leadership.leadsIn(term) || this.deliveries.has(endpoint._id)) {
        await messages.close();
        return;
      }
      const delivery = new EndpointDelivery(endpoint, messages, this.context);
      this.deliveries.set(endpoint._id, delivery);
      delivery.start();
      this.logger.log({ msg: 'delivering', consumer: name });
    } catch (e) {
      this.logger.warn({
        msg: "could not start an endpoint's deliveries; the next check retries",
        consumer: name,
        error: (e as Error).message,
      });
    }
  }

  private async stopAll(): Promise<void> {
    const all = [...this.deliveries.values(), ...this.replays.values()];
    this.deliveries.clear();
    this.replays.clear();
    await Promise.all(all.map((d) => d.stop()));
  }

  /** Marks the endpoint failing (or not any more); disables it on a 410 or after failing too long. */
  private async settle({ endpoint, result }: DeliveryOutcome): Promise<boolean> {
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const now = Date.now();
    if (ok) {
      if (endpoint.failing_since !== null) {
        endpoint.failing_since = null;
        await this.endpoints.set(endpoint, { failing_since: null });
      }
      return true;
    }
    if (result.status === 410) return this.disable(endpoint, 'gone', 'the endpoint answered 410 Gone');
    if (endpoint.failing_since === null) {
      endpoint.failing_since = now;
      await this.endpoints.set(endpoint, { failing_since: now });
    } else if (now - endpoint.failing_since >= this.config.WEBHOOK_DISABLE_AFTER_MS)
      return this.disable(
        endpoint,
        'failing',
        `every delivery failed since ${new Date(endpoint.failing_since).toISOString()}`,
      );
    return true;
  }

  private async disable(endpoint: EndpointDocument, reason: 'gone' | 'failing', why: string): Promise<false> {
    endpoint.enabled = false;
    endpoint.disabled_reason = why;
    endpoint.replay = null;
    await this.endpoints.set(endpoint, { enabled: false, disabled_reason: why, replay: null });
    webhookEndpointsDisabled.inc({ reason });
    this.logger.warn({ msg: 'webhook endpoint disabled', endpoint: endpoint._id, reason: why });
    for (const map of [this.deliveries, this.replays]) {
      const delivery = map.get(endpoint._id);
      map.delete(endpoint._id);
      // Not awaited: the delivery that asked is inside it; it stops at its next step.
      void delivery?.stop();
    }
    await this.subscriptions.drop(endpoint);
    return false;
  }
}
