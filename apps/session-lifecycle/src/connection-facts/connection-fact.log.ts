import { createHash } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  CONNECTION_FACTS_BUCKET,
  deviceEventSubject,
  type ConnectionEnvelope,
  type ReportedConnectionEvent,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import {
  EventLog,
  NatsConnectionService,
  openKvBucket,
  TenantStreams,
  type KvBucket,
} from '@cobrowse/messaging';
import { eventsAppended } from '@cobrowse/observability';

const DAY_MS = 24 * 3600 * 1000;
/** Marks a fact being appended; replaced by its log position once the log has it. */
const PENDING = 'pending';

/**
 * Connection facts in the log: they have no state machine to decide on, so each is appended
 * as reported, stamped with this service's clock. They are idempotent by event_id for as long as the log
 * keeps them (SPEC section 9): a KV bucket remembers each fact's log position (its entries
 * expire with the log's age limit), and the log's duplicate window covers retries that race.
 */
@Injectable()
export class ConnectionFactLog implements OnModuleInit {
  private kv?: KvBucket;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
    private readonly config: AppConfig,
    private readonly tenantStreams: TenantStreams,
  ) {}

  async onModuleInit(): Promise<void> {
    // Entries live as long as the log keeps the facts they stand for.
    this.kv = await openKvBucket(this.nats, CONNECTION_FACTS_BUCKET, {
      replicas: this.config.EVENTS_STREAM_REPLICAS,
      ttlMs: this.config.EVENTS_MAX_AGE_DAYS * DAY_MS,
    });
  }

  async append(tenant: string, event: ReportedConnectionEvent): Promise<'accepted' | 'duplicate'> {
    const kv = this.kv!;
    const key = factKey(tenant, event.device_id, event.event_id);
    if (isLogged((await kv.get(key))?.value)) return 'duplicate';
    // Claim the fact; a claim left by an attempt that died before the log answered is taken
    // over (a concurrent attempt is then answered by the log's duplicate window).
    const claimed = (await kv.create(key, PENDING)) !== null;
    if (!claimed && isLogged((await kv.get(key))?.value)) return 'duplicate';
    this.tenantStreams.ensureSoon(tenant);
    const envelope: ConnectionEnvelope = {
      event_id: event.event_id,
      type: event.type,
      tenant,
      device_id: event.device_id,
      occurred_at: event.occurred_at,
      recorded_at: Date.now(),
      ...(event.actor ? { actor: event.actor } : {}),
      data: event.data as unknown as ConnectionEnvelope['data'],
    };
    const ack = await this.log.append(
      deviceEventSubject(tenant, event.device_id, event.type),
      JSON.stringify(envelope),
      {
        msgID: `${tenant}/device/${event.device_id}/${event.event_id}`,
      },
    );
    await kv.put(key, String(ack.seq));
    if (ack.duplicate) return 'duplicate';
    eventsAppended.inc({ type: event.type });
    return 'accepted';
  }
}

function isLogged(value: string | null | undefined): boolean {
  return typeof value === 'string' && value !== PENDING && value !== '';
}

/** KV keys take a narrow alphabet: the device and event ids are hashed (no personal data either). */
function factKey(tenant: string, deviceId: string, eventId: string): string {
  return `${tenant}.${createHash('sha256').update(`${deviceId}\u0000${eventId}`).digest('hex').slice(0, 40)}`;
}
