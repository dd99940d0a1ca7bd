import { connect, headers, type ConnectionOptions } from 'nats';
import { INGEST_SUBJECT } from '@cobrowse/contracts';
import { percentile } from '../stats';
import { batchBody, BENCH_KEY } from '../workload';

export interface NatsIngestResult {
  /** Events accepted per second, and in all. */
  eps: number;
  accepted: number;
  requests: number;
  failed: number;
  p50: number;
  p99: number;
}

/**
 * What a relay that speaks NATS gets through: `requesters` requests in flight at once, each the
 * 100-event body of `POST /v1/events`, on `cobrowse.ingest` as the relay identity, for `seconds`.
 */
export async function natsIngest(
  relay: ConnectionOptions,
  requesters: number,
  seconds: number,
  remember: (ids: string[]) => void,
): Promise<NatsIngestResult> {
  const nc = await connect(relay);
  const h = headers();
  h.set('Authorization', `Bearer ${BENCH_KEY}`);
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: requesters }, async () => {
      while (performance.now() < until) {
        const { ids, body } = batchBody(100);
        const sent = performance.now();
        try {
          const reply = await nc.request(INGEST_SUBJECT, body, { headers: h, timeout: 30_000 });
          const results = reply.json<{ results?: Array<{ status: string }> }>().results ?? [];
          const ok = results.filter((r) => r.status === 'accepted').length;
          accepted += ok;
          if (ok !== ids.length) failed++;
          latencies.push(performance.now() - sent);
          remember(ids);
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await nc.close();
  return {
    eps: accepted / elapsed,
    accepted,
    requests: latencies.length,
    failed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
