import type { NatsConnection } from 'nats';
import { sessionUpdatedSubject } from '@cobrowse/contracts';
import { percentile, progress, sleep } from '../stats';
import { BENCH_KEY, BENCH_TENANT, batchBody, singleBody } from '../workload';

/**
 * Delay from an acknowledged ingest to the session being readable, under a steady background
 * load of `loadEps` created events per second (batches every 100 ms). Ten probes a second
 * create a session with a single POST; a probe is visible when the projector publishes its
 * snapshot, which it does right after the write (checked with GETs on a few probes).
 */
export async function e2eLag(
  nc: NatsConnection,
  gatewayUrl: string,
  loadEps: number,
  seconds = 20,
): Promise<{ p50: number; p99: number; probes: number; lost: number }> {
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  const acked = new Map<string, number>();
  const visible = new Map<string, number>();
  const sub = nc.subscribe(sessionUpdatedSubject(BENCH_TENANT, '*'), {
    callback: (_err, m) => {
      const id = m.subject.slice(m.subject.lastIndexOf('.') + 1);
      if (!visible.has(id)) visible.set(id, performance.now());
    },
  });
  await nc.flush();
  const perTick = Math.max(1, Math.round(loadEps / 10));
  const inFlight: Array<Promise<unknown>> = [];
  const until = performance.now() + seconds * 1000;
  let tick = 0;
  while (performance.now() < until) {
    const started = performance.now();
    const { body } = batchBody(perTick);
    inFlight.push(
      fetch(`${gatewayUrl}/v1/events`, { method: 'POST', headers, body }).then((r) => r.arrayBuffer()),
    );
    const probe = singleBody();
    inFlight.push(
      fetch(`${gatewayUrl}/v1/sessions`, { method: 'POST', headers, body: probe.body }).then(async (r) => {
        await r.arrayBuffer();
        if (r.status === 201) acked.set(probe.id, performance.now());
      }),
    );
    if (++tick % 50 === 0) progress(`  ${tick / 10} s of steady load, ${acked.size} probes`);
    await sleep(Math.max(0, 100 - (performance.now() - started)));
  }
  await Promise.all(inFlight);
  const waitUntil = Date.now() + 30_000;
  while ([...acked.keys()].some((id) => !visible.has(id)) && Date.now() < waitUntil) await sleep(100);
  sub.unsubscribe();

  for (const id of [...acked.keys()].slice(-3)) {
    const r = await fetch(`${gatewayUrl}/v1/sessions/${id}`, { headers });
    if (r.status !== 200) throw new Error(`probe ${id} was announced but GET answers ${r.status}`);
  }
  const lags = [...acked]
    .filter(([id]) => visible.has(id))
    .map(([id, at]) => Math.max(0, visible.get(id)! - at));
  return {
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    probes: acked.size,
    lost: acked.size - lags.length,
  };
}
