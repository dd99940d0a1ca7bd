import { Logger } from '@nestjs/common';
import { StorageType, type JetStreamClient, type KV } from 'nats';
import { retryWhileUnavailable } from './startup-retry';

const logger = new Logger('KvBucket');

/**
 * Opens (creating if needed) one of the service's KV buckets: file storage, one value per key,
 * replicated like the event log; `ttlMs` makes entries expire (0 or absent: never). Waits out
 * a JetStream that is not ready yet (retryWhileUnavailable).
 */
export function openKvBucket(
  js: JetStreamClient,
  name: string,
  options: { replicas: number; ttlMs?: number },
): Promise<KV> {
  return retryWhileUnavailable(
    `bucket ${name}`,
    () =>
      js.views.kv(name, {
        history: 1,
        storage: StorageType.File,
        replicas: options.replicas,
        ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
      }),
    logger,
  );
}
