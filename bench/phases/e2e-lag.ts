import type { NatsConnection } from 'nats';
import { sessionUpdatedSubject } from '@cobrowse/contracts';
import { endlessPopulation } from '../mix';
import { percentile, progress, sleep } from '../stats';
import { BENCH_KEY, BENCH_TENANT, singleBody } from '../workload';
import { sendMix, type MixStats } from './mix-send';

export interface LagResult {
  /** Over every accepted session event of the mix and every probe. */
  p50: number;
  p99: number;
  /** Probes only (single `POST /v1/sessions`, what this figure measured before the mix). */
  probeP50: number;
  probeP99: number;
  samples: number;
  probes: number;
  /** Accepted session events never seen in a snapshot within 30 s of the end (none expected). */
  lost: number;
  load: MixStats;
}

/**
 * Delay from an acknowledged ingest to the read model, under a steady load of the relay mix
 * at `loadEps` events per second (each of 4 relays sends a batch every 100 ms). Every accepted
 * session event counts: from the answer that accepted it (version v) to the projector's
 * `session-updated` snapshot of that session with version ≥ v, which it publishes right after
 * its write. Ten probes a second also create a session with a single POST.
 */
export async function e2eLag(
  nc: NatsConnection,
  gatewayUrl: string,
  loadEps: number,
  seconds: number,
): Promise<LagResult> {
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  // session → versions in the order first seen, with when.
  const seen = new Map<string, Array<[number, number]>>();
  const acks: Array<[string, number, number]> = [];
  const probeAcks: Array<[string, number]> = [];
  const sub = nc.subscribe(sessionUpdatedSubject(BENCH_TENANT, '*'), {
    callback: (_err, m) => {
      const at = performance.now();
      const id = m.subject.slice(m.subject.lastIndexOf('.') + 1);
      let version = 0;
      try {
        version = (JSON.parse(new TextDecoder().decode(m.data)) as { version: number }).version;
      } catch {
        return;
      }
      const list = seen.get(id) ?? [];
      if (!list.length || list[list.length - 1][0] < version) list.push([version, at]);
      seen.set(id, list);
    },
  });
  await nc.flush();
  const relays = 4;
  const perBatch = Math.max(1, Math.round(loadEps / 10 / relays));
  // About two facts of each active device per batch.
  const lanes = endlessPopulation('lag-device-', relays, 17, Math.ceil(perBatch / 2));
  const until = performance.now() + seconds * 1000;
  const load = sendMix({
    gatewayUrl,
    lanes,
    batchSize: perBatch,
    // Every 100 ms, or less often when even one fact per relay per 100 ms is more than the load.
    intervalMs: Math.max(100, Math.round((1000 * relays * perBatch) / loadEps)),
    stop: () => performance.now() >= until,
    onAnswer: (events, results, at) => {
      results.forEach((r, i) => {
        const sessionId = events[i].sessionId;
        if (r.status === 'accepted' && sessionId && r.version) acks.push([sessionId, r.version, at]);
      });
    },
  });
  const probes = (async () => {
    let tick = 0;
    while (performance.now() < until) {
      const started = performance.now();
      const probe = singleBody();
      void fetch(`${gatewayUrl}/v1/sessions`, { method: 'POST', headers, body: probe.body }).then(
        async (r) => {
          await r.arrayBuffer();
          if (r.status === 201) probeAcks.push([probe.id, performance.now()]);
        },
      );
      if (++tick % 50 === 0) progress(`  ${tick / 10} s of steady load, ${acks.length} events acknowledged`);
      await sleep(Math.max(0, 100 - (performance.now() - started)));
    }
  })();
  const [loadStats] = await Promise.all([load, probes]);
  await sleep(200);

  const visibleAt = (id: string, version: number): number | undefined =>
    seen.get(id)?.find(([v]) => v >= version)?.[1];
  const waitUntil = Date.now() + 30_000;
  const missing = () =>
    acks.some(([id, v]) => visibleAt(id, v) === undefined) || probeAcks.some(([id]) => !seen.has(id));
  while (missing() && Date.now() < waitUntil) await sleep(200);
  sub.unsubscribe();

  for (const [id] of probeAcks.slice(-3)) {
    const r = await fetch(`${gatewayUrl}/v1/sessions/${id}`, { headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`probe ${id} was announced but GET answers ${r.status}`);
  }
  const lags: number[] = [];
  let lost = 0;
  for (const [id, v, at] of acks) {
    const visible = visibleAt(id, v);
    if (visible === undefined) lost++;
    else lags.push(Math.max(0, visible - at));
  }
  const probeLags: number[] = [];
  for (const [id, at] of probeAcks) {
    const visible = visibleAt(id, 1);
    if (visible === undefined) lost++;
    else probeLags.push(Math.max(0, visible - at));
  }
  const all = [...lags, ...probeLags];
  return {
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    probeP50: percentile(probeLags, 50),
    probeP99: percentile(probeLags, 99),
    samples: all.length,
    probes: probeAcks.length,
    lost,
    load: loadStats,
  };
}
