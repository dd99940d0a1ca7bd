import { RetentionPolicy, StorageType, type NatsConnection } from 'nats';
import { INTERNAL_PREFIX } from '@cobrowse/contracts';

const STREAM = 'BENCH_PUBLISH_CEILING';
/** Under the services' internal prefix: the bench measures as the services' NATS identity. */
const SUBJECT_PREFIX = `${INTERNAL_PREFIX}.bench-ceiling`;

/**
 * The raw JetStream publish ceiling: a nats.js async publisher with up to `window` publishes
 * awaiting their acks, messages of the event log's size, file storage, on the same server.
 */
export async function jetstreamPublishCeiling(
  nc: NatsConnection,
  messageSize: number,
  count = 40_000,
  window = 1_000,
): Promise<number> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(STREAM).catch(() => undefined);
  await jsm.streams.add({
    name: STREAM,
    subjects: [`${SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
  const js = nc.jetstream();
  const payload = new TextEncoder().encode('x'.repeat(messageSize));
  const started = performance.now();
  let pending: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    pending.push(js.publish(`${SUBJECT_PREFIX}.s${i % 1000}.created`, payload));
    if (pending.length >= window) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const eps = count / ((performance.now() - started) / 1000);
  await jsm.streams.delete(STREAM);
  return eps;
}
