import { LEASES_BUCKET } from '@cobrowse/contracts';
import { openKvBucket, type KvBucket } from './kv-bucket';
import type { NatsConnectionService } from './nats-connection.service';

/**
 * A lease on a JetStream KV key: `create` is atomic, the holder renews it, and the bucket's
 * age limit frees it if the holder dies. Used where exactly one replica may write at a time.
 */
export class LeaderLease {
  private kv?: KvBucket;
  private revision = 0;

  constructor(
    private readonly nats: NatsConnectionService,
    readonly key: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly replicas = 1,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const kv = await this.bucket();
    const created = await kv.create(this.key, this.holder);
    if (created !== null) {
      this.revision = created;
      return true;
    }
    const entry = await kv.get(this.key);
    if (entry?.value !== this.holder) return false;
    this.revision = entry.revision;
    return true;
  }

  /** False when someone else holds the lease now (ours expired). */
  async renew(): Promise<boolean> {
    const kv = await this.bucket();
    const updated = await kv.update(this.key, this.holder, this.revision);
    if (updated === null) return this.tryAcquire();
    this.revision = updated;
    return true;
  }

  async release(): Promise<void> {
    const kv = await this.bucket();
    await kv.delete(this.key, this.revision);
  }

  private async bucket(): Promise<KvBucket> {
    this.kv ??= await openKvBucket(this.nats, LEASES_BUCKET, { replicas: this.replicas, ttlMs: this.ttlMs });
    return this.kv;
  }
}
