import { LEASES_BUCKET } from '@cobrowse/contracts';
import type { JetStreamClient, KV } from 'nats';
import { openKvBucket } from './kv-bucket';

/**
 * A lease on a JetStream KV key: `create` is atomic, the holder renews it, and the bucket's
 * age limit frees it if the holder dies. Used where exactly one replica may write at a time.
 */
export class LeaderLease {
  private kv?: KV;
  private revision = 0;

  constructor(
    private readonly js: JetStreamClient,
    readonly key: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly replicas = 1,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const kv = await this.bucket();
    try {
      this.revision = await kv.create(this.key, this.holder);
      return true;
    } catch {
      const entry = await kv.get(this.key);
      if (entry?.operation === 'PUT' && entry.string() === this.holder) {
        this.revision = entry.revision;
        return true;
      }
      return false;
    }
  }

  /** False when someone else holds the lease now (ours expired). */
  async renew(): Promise<boolean> {
    const kv = await this.bucket();
    try {
      this.revision = await kv.update(this.key, this.holder, this.revision);
      return true;
    } catch {
      return this.tryAcquire();
    }
  }

  async release(): Promise<void> {
    const kv = await this.bucket();
    await kv.delete(this.key, { previousSeq: this.revision }).catch(() => undefined);
  }

  private async bucket(): Promise<KV> {
    this.kv ??= await openKvBucket(this.js, LEASES_BUCKET, { replicas: this.replicas, ttlMs: this.ttlMs });
    return this.kv;
  }
}
