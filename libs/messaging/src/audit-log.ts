import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from 'nats';
import { AUDIT_STREAM, auditSubject, INTERNAL_PREFIX, type AuditRecord } from '@cobrowse/contracts';
import { ensureStream } from './log-streams';
import type { NatsConnectionService } from './nats-connection.service';
import { readBatch } from './read-subject';
import { retryWhileUnavailable } from './startup-retry';

const logger = new Logger('AuditLog');
const ms = (n: number) => n * 1_000_000;

export function auditStreamConfig(options: {
  replicas: number;
  retentionDays: number;
}): Partial<StreamConfig> {
  return {
    name: AUDIT_STREAM,
    description: "Each tenant's administrative actions and who took them (SPEC section 12)",
    subjects: [`${INTERNAL_PREFIX}.audit.*`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: ms(options.retentionDays * 24 * 3600 * 1000),
    duplicate_window: ms(2 * 60_000),
    allow_direct: true,
    deny_delete: true,
    num_replicas: options.replicas,
  };
}

/**
 * The audit: a JetStream stream with one subject per tenant, so a tenant's records since a
 * time are one batched direct get however many other tenants there are, and nothing in it
 * can be changed or deleted by the service (deny_delete); records age out after
 * AUDIT_RETENTION_DAYS.
 */
export class AuditLog {
  constructor(private readonly nats: NatsConnectionService) {}

  ensure(options: { replicas: number; retentionDays: number }): Promise<void> {
    return retryWhileUnavailable(
      'audit stream',
      () => ensureStream(this.nats.jsm, auditStreamConfig(options)),
      logger,
    );
  }

  async append(record: Omit<AuditRecord, 'id' | 'at'>): Promise<AuditRecord> {
    const full: AuditRecord = { id: randomUUID(), at: new Date().toISOString(), ...record };
    await this.nats.js.publish(auditSubject(record.tenant), JSON.stringify(full), { msgID: full.id });
    return full;
  }

  /** Up to `limit` of a tenant's records, oldest first, from a time or from the `next` of a page before. */
  async page(
    tenant: string,
    from: { since: Date } | { next: number },
    limit: number,
  ): Promise<{ records: AuditRecord[]; next: number | null }> {
    const start = 'next' in from ? from.next : from.since;
    const { events, pending } = await readBatch(
      this.nats.nc,
      AUDIT_STREAM,
      auditSubject(tenant),
      start,
      limit,
    );
    const records = events.map((e) => JSON.parse(new TextDecoder().decode(e.data)) as AuditRecord);
    return { records, next: pending > 0 && events.length ? events[events.length - 1].seq + 1 : null };
  }
}
