import { Logger } from '@nestjs/common';
import { StorageType, type KV } from 'nats';
import type { NatsConnectionService } from './nats-connection.service';
import { retryWhileUnavailable } from './startup-retry';

const logger = new Logger('KvBucket');

/** A key's entry: its value (none once deleted), revision and when it was written. */
export interface KvEntry {
  value: string | null;
  revision: number;
  writtenAt: number;
}

/**
 * One of the services' JetStream KV buckets, the way the apps use them: values are strings,
 * and the writes that must not race (create, update, delete) say whether they won instead of
 * throwing, so a caller reads the key to learn why one did not.
 */
export class KvBucket {
  constructor(private readonly kv: KV) {}

  async get(key: string): Promise<KvEntry | null> {
    const entry = await this.kv.get(key);
    if (!entry) return null;
    return {
      value: entry.operation === 'PUT' ? entry.string() : null,
      revision: entry.revision,
      writtenAt: entry.created.getTime(),
    };
  }

  /** The new revision, or null when it was not created: the key holds a value, or the bucket did not answer. */
  create(key: string, value: string): Promise<number | null> {
    return this.kv.create(key, value).catch(() => null);
  }

  /** The new revision, or null when the key is no longer at `revision` (or the bucket did not answer). */
  update(key: string, value: string, revision: number): Promise<number | null> {
    return this.kv.update(key, value, revision).catch(() => null);
  }

  put(key: string, value: string): Promise<number> {
    return this.kv.put(key, value);
  }

  /**
   * Calls `onChange` with every current value of the keys under `filter` (value null once
   * deleted), then with each later change, until `stop`; `ready` resolves once the current
   * values have all been seen, `ended` when the watch stops (asked to, or the subscription
   * ended: a caller that must stay current watches again).
   */
  async watch(
    filter: string,
    onChange: (key: string, value: string | null) => void,
  ): Promise<{ ready: Promise<void>; ended: Promise<void>; stop: () => void }> {
    let initialized!: () => void;
    const ready = new Promise<void>((resolve) => (initialized = resolve));
    const updates = await this.kv.watch({ key: filter, initializedFn: () => initialized() });
    const ended = (async () => {
      try {
        for await (const entry of updates)
          onChange(entry.key, entry.operation === 'PUT' ? entry.string() : null);
      } catch {
        // The subscription failed; `ended` tells the caller.
      }
    })();
    return { ready, ended, stop: () => updates.stop() };
  }

  /** Deletes the key while it is still at `revision`; false when it moved on (or the bucket did not answer). */
  delete(key: string, revision: number): Promise<boolean> {
    return this.kv.delete(key, { previousSeq: revision }).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Opens (creating if needed) one of the service's KV buckets: file storage, one value per key,
 * replicated like the event log; `ttlMs` makes entries expire (0 or absent: never). Waits out
 * a JetStream that is not ready yet (retryWhileUnavailable).
 */
export async function openKvBucket(
  nats: NatsConnectionService,
  name: string,
  options: { replicas: number; ttlMs?: number },
): Promise<KvBucket> {
  const kv = await retryWhileUnavailable(
    `bucket ${name}`,
    () =>
      nats.js.views.kv(name, {
        history: 1,
        storage: StorageType.File,
        replicas: options.replicas,
        ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
      }),
    logger,
  );
  return new KvBucket(kv);
}
