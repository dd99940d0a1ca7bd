import { StorageType, type JetStreamClient, type KV } from 'nats';

/**
 * Opens (creating if needed) one of the service's KV buckets: file storage, one value per key,
 * replicated like the event log; `ttlMs` makes entries expire (0 or absent: never).
 */
export function openKvBucket(
  js: JetStreamClient,
  name: string,
  options: { replicas: number; ttlMs?: number },
): Promise<KV> {
  return js.views.kv(name, {
    history: 1,
    storage: StorageType.File,
    replicas: options.replicas,
    ...(options.ttlMs ? { ttl: options.ttlMs } : {}),
  });
}
