import { percentile, progress, sleep } from '../stats';
import type { Lane, MixEvent, MixPatch } from '../mix';
import { BENCH_KEY } from '../workload';

export interface BatchResult {
  event_id: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  version?: number;
  error?: { code: string; message: string };
}

export interface MixStats {
  requests: number;
  failedRequests: number;
  events: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** `<type> <code>` → count, for everything rejected (none expected). */
  rejectedBy: Record<string, number>;
  acceptedByType: Record<string, number>;
  sessionsCreated: number;
  patches: number;
  patchFailures: Record<string, number>;
  seconds: number;
  requestP50Ms: number;
  requestP99Ms: number;
}

export interface SendOptions {
  gatewayUrl: string;
  lanes: Lane[];
  batchSize: number;
  /** Called with each answered request's events and results, and when the answer came. */
  onAnswer?: (events: MixEvent[], results: BatchResult[], at: number) => void;
  /** Steady load: each lane sends one batch every `intervalMs` (when the previous one is answered). */
  intervalMs?: number;
  /** Stops sending when it returns true (besides the lanes running out of facts). */
  stop?: () => boolean;
  label?: string;
}

/** Sends the lanes' facts through `POST /v1/events` (and their PATCHes), each lane one request at a time. */
export async function sendMix(options: SendOptions): Promise<MixStats> {
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  const stats: MixStats = {
    requests: 0,
    failedRequests: 0,
    events: 0,
    accepted: 0,
    duplicate: 0,
    rejected: 0,
    rejectedBy: {},
    acceptedByType: {},
    sessionsCreated: 0,
    patches: 0,
    patchFailures: {},
    seconds: 0,
    requestP50Ms: 0,
    requestP99Ms: 0,
  };
  const latencies: number[] = [];
  const started = performance.now();
  let lastProgress = started;

  const patch = async (p: MixPatch) => {
    const r = await fetch(`${options.gatewayUrl}${p.path}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify(p.body),
    }).catch((e: Error) => ({ status: e.name, arrayBuffer: async () => undefined }) as const);
    await r.arrayBuffer();
    stats.patches++;
    if (r.status !== 200) stats.patchFailures[r.status] = (stats.patchFailures[r.status] ?? 0) + 1;
  };

  const runLane = async (lane: Lane) => {
    while (!lane.done && !options.stop?.()) {
      const tick = performance.now();
      const { events, patches } = lane.next(options.batchSize);
      if (!events.length && !patches.length) break;
      if (events.length) {
        const body = JSON.stringify({ events: events.map((e) => e.item) });
        let results: BatchResult[] | undefined;
        for (let attempt = 0; attempt < 5 && !results; attempt++) {
          const t = performance.now();
          const r = await fetch(`${options.gatewayUrl}/v1/events`, { method: 'POST', headers, body }).catch(
            () => undefined,
          );
          const text = r ? await r.text() : '';
          latencies.push(performance.now() - t);
          stats.requests++;
          if (r?.status === 200) results = (JSON.parse(text) as { results: BatchResult[] }).results;
          else {
            stats.failedRequests++;
            await sleep(500);
          }
        }
        if (!results) throw new Error('POST /v1/events failed 5 times in a row');
        const at = performance.now();
        // Retried (unavailable) items, the way RelayClient does it: same event ids, in order.
        const retry = results
          .map((res, i) => [res, events[i]] as const)
          .filter(([res]) => res.error?.code === 'SERVICE_UNAVAILABLE');
        if (retry.length) {
          lane.requeue(retry.map(([, e]) => e));
        }
        for (let i = 0; i < results.length; i++) {
          const res = results[i];
          const event = events[i];
          if (res.error?.code === 'SERVICE_UNAVAILABLE') continue;
          stats.events++;
          if (res.status === 'accepted') {
            stats.accepted++;
            stats.acceptedByType[event.type] = (stats.acceptedByType[event.type] ?? 0) + 1;
            if (event.type === 'session.created') stats.sessionsCreated++;
          } else if (res.status === 'duplicate') stats.duplicate++;
          else {
            stats.rejected++;
            const key = `${event.type} ${res.error?.code ?? '?'}`;
            stats.rejectedBy[key] = (stats.rejectedBy[key] ?? 0) + 1;
          }
        }
        options.onAnswer?.(events, results, at);
      }
      for (let i = 0; i < patches.length; i += 8) await Promise.all(patches.slice(i, i + 8).map(patch));
      if (options.intervalMs) await sleep(Math.max(0, options.intervalMs - (performance.now() - tick)));
      if (options.label && performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        progress(
          `  ${options.label}: ${stats.sessionsCreated} sessions, ${stats.accepted} events accepted, ${stats.rejected} rejected`,
        );
      }
    }
  };
  await Promise.all(options.lanes.map(runLane));
  stats.seconds = (performance.now() - started) / 1000;
  stats.requestP50Ms = Math.round(percentile(latencies, 50));
  stats.requestP99Ms = Math.round(percentile(latencies, 99));
  return stats;
}

/** Adds up the stats of consecutive sends. */
export function mergeStats(a: MixStats, b: MixStats): MixStats {
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    requests: a.requests + b.requests,
    failedRequests: a.failedRequests + b.failedRequests,
    events: a.events + b.events,
    accepted: a.accepted + b.accepted,
    duplicate: a.duplicate + b.duplicate,
    rejected: a.rejected + b.rejected,
    rejectedBy: add(a.rejectedBy, b.rejectedBy),
    acceptedByType: add(a.acceptedByType, b.acceptedByType),
    sessionsCreated: a.sessionsCreated + b.sessionsCreated,
    patches: a.patches + b.patches,
    patchFailures: add(a.patchFailures, b.patchFailures),
    seconds: a.seconds + b.seconds,
    requestP50Ms: Math.max(a.requestP50Ms, b.requestP50Ms),
    requestP99Ms: Math.max(a.requestP99Ms, b.requestP99Ms),
  };
}
