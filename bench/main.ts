import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { BenchSystem } from './bench-system';
import { CpuUsage } from './cpu-usage';
import { drain } from './phases/consumer-drain';
import { csvExport } from './phases/csv-export';
import { dbWriteCeilings } from './phases/db-ceiling';
import { e2eLag } from './phases/e2e-lag';
import { load } from './phases/http-load';
import { jetstreamPublishCeiling } from './phases/jetstream-ceiling';
import { percentile, progress, round } from './stats';
import { BENCH_KEY, batchBody, singleBody } from './workload';

const STORED_SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);

async function main(): Promise<void> {
  const startedAt = Date.now();
  // The shipped setting; BENCH_NATS_SYNC_INTERVAL=2m measures everything at the server's default.
  const syncInterval = process.env.BENCH_NATS_SYNC_INTERVAL ?? 'always';
  progress(`starting NATS (sync_interval ${syncInterval}), FerretDB and the four services`);
  const system = await BenchSystem.start({ natsSyncInterval: syncInterval });
  const nc = await connect({ servers: system.natsUrl });
  const jsm = await nc.jetstreamManager();
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  const sampleIds: string[] = [];
  const remember = (ids: string[]) => {
    for (const id of ids) if (sampleIds.length < 5_000 || Math.random() < 0.01) sampleIds.push(id);
  };
  let stored = 0;
  try {
    const batchCpu = new CpuUsage(system.allPids());
    const { single, batch } = await ingest(system, remember);
    stored += single.ok + batch.ok * 100;
    const batchCores = batchCpu.cores();

    const first = await jsm.streams.getMessage(EVENTS_STREAM, { seq: 1 });
    const messageSize = first.data.length;
    progress(`jetstream_publish_ceiling_eps: raw async publisher, ${messageSize}-byte messages`);
    const jetstreamCeiling = await jetstreamPublishCeiling(nc, messageSize);

    progress(`filling up to ${STORED_SESSIONS} sessions (500 per batch, 4 at a time)`);
    while (stored < STORED_SESSIONS) {
      const results = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const { ids, body } = batchBody(Math.min(500, STORED_SESSIONS - stored));
          const r = await fetch(`${system.gatewayUrl}/v1/events`, { method: 'POST', headers, body });
          if (r.status !== 200) throw new Error(`fill batch answered ${r.status}`);
          remember(ids);
          return ids.length;
        }),
      );
      stored += results.reduce((a, b) => a + b, 0);
    }

    progress('projection_eps: the projector draining its backlog');
    const drainCpu = new CpuUsage(system.allPids());
    const projectionEps = await drain(nc, 'history-projector');
    const drainCores = drainCpu.cores();
    progress('waiting for the connection tracker to catch up as well');
    const trackerEps = await drain(nc, 'connection-tracker');

    progress('db_write_ceiling_eps: raw driver writes of the projector document shape');
    const mongo = await MongoClient.connect(system.mongoUrl);
    const sample = await mongo
      .db()
      .collection('sessions')
      .findOne({}, { projection: { _id: 0 } });
    await mongo.close();
    if (!sample) throw new Error('no projected session to copy');
    const dbCeiling = await dbWriteCeilings(system.mongoUrl, sample);

    const lagLoad = Math.round(projectionEps / 2);
    progress(`e2e lag: 20 s at ${lagLoad} events/s (half the projection rate) plus 10 probes/s`);
    const lagCpu = new CpuUsage(system.allPids());
    const lag = await e2eLag(nc, system.gatewayUrl, lagLoad);
    const lagCores = lagCpu.cores();
    await drain(nc, 'history-projector');
    await drain(nc, 'connection-tracker');

    progress(`get_by_id: GET /v1/sessions/{id} over ${sampleIds.length} stored ids, 8 connections, 10 s`);
    const get = await load({
      url: system.gatewayUrl,
      method: 'GET',
      key: BENCH_KEY,
      connections: 8,
      seconds: 10,
      path: () => `/v1/sessions/${sampleIds[Math.floor(Math.random() * sampleIds.length)]}`,
    });

    progress('list_p99_ms: GET /v1/sessions?limit=50, 3 times one after another');
    const lists: number[] = [];
    const listStatuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const r = await fetch(`${system.gatewayUrl}/v1/sessions?limit=50`, { headers });
      await r.arrayBuffer();
      listStatuses.push(r.status);
      lists.push(performance.now() - t);
    }

    progress('csv: GET /v1/sessions/export.csv of every stored session');
    const csv = await csvExport(system.gatewayUrl, {
      gateway: system.pid('gateway'),
      projector: system.pid('history-projector'),
    });

    progress('the same ingest on a NATS with its default fsync (every 2 minutes)');
    await nc.close();
    await system.stop();
    const lazy = await BenchSystem.start();
    const lazyIngest = await ingest(lazy, () => undefined).finally(() => lazy.stop());

    const results = {
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? '',
        memory_gb: round(totalmem() / 2 ** 30),
      },
      sessions_stored: stored,
      message_size_bytes: messageSize,
      jetstream_publish_ceiling_eps: round(jetstreamCeiling),
      ingest_single_rps: round(single.ok / single.seconds),
      ingest_single_p99_ms: single.p99,
      ingest_batch_eps: round((batch.ok * 100) / batch.seconds),
      ingest_failed_requests: single.failed + batch.failed,
      nats_sync_interval: syncInterval,
      ingest_single_rps_lazy_fsync: round(lazyIngest.single.ok / lazyIngest.single.seconds),
      ingest_batch_eps_lazy_fsync: round((lazyIngest.batch.ok * 100) / lazyIngest.batch.seconds),
      e2e_lag_p50_ms: round(lag.p50),
      e2e_lag_p99_ms: round(lag.p99),
      e2e_lag_load_eps: lagLoad,
      e2e_lag_probes: lag.probes,
      projection_eps: round(projectionEps),
      tracker_eps: round(trackerEps),
      db_write_ceiling_eps: round(dbCeiling.batched),
      db_single_write_ceiling_eps: round(dbCeiling.single),
      get_by_id_p50_ms: get.p50,
      get_by_id_p99_ms: get.p99,
      get_by_id_rps: round(get.ok / get.seconds),
      get_by_id_failed: get.failed,
      list_p99_ms: round(percentile(lists, 99)),
      list_statuses: listStatuses,
      csv_rows: csv.rows,
      csv_rows_per_s: round(csv.rowsPerS),
      csv_peak_rss_mb: round(csv.gatewayPeakMb),
      csv_gateway_baseline_rss_mb: round(csv.baselineMb),
      csv_projector_peak_rss_mb: round(csv.projectorPeakMb),
      ratios: {
        ingest_batch_to_jetstream_ceiling: round((batch.ok * 100) / batch.seconds / jetstreamCeiling, 3),
        projection_to_db_write_ceiling: round(projectionEps / dbCeiling.batched, 3),
        projection_to_db_single_write_ceiling: round(projectionEps / dbCeiling.single, 3),
        e2e_lag_p99_to_250ms: round(lag.p99 / 250, 3),
        get_by_id_p99_to_20ms: round(get.p99 / 20, 3),
      },
      cpu_cores_used: { ingest_batch: batchCores, projection_drain: drainCores, e2e_lag: lagCores },
      took_s: round((Date.now() - startedAt) / 1000),
      finished_at: new Date().toISOString(),
    };
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    progress(`wrote bench/results/latest.json in ${results.took_s} s`);
  } finally {
    await nc.close();
    await system.stop();
  }
}

/** Single creations (16 connections) and 100-event batches (4 connections), 10 s each. */
async function ingest(system: BenchSystem, remember: (ids: string[]) => void) {
  progress('ingest_single_rps: single POST /v1/sessions, 16 connections, 10 s');
  const single = await load({
    url: system.gatewayUrl,
    method: 'POST',
    key: BENCH_KEY,
    connections: 16,
    seconds: 10,
    path: () => '/v1/sessions',
    body: () => {
      const { id, body } = singleBody();
      remember([id]);
      return body;
    },
  });
  progress('ingest_batch_eps: POST /v1/events with 100 events, 4 connections, 10 s');
  const batch = await load({
    url: system.gatewayUrl,
    method: 'POST',
    key: BENCH_KEY,
    connections: 4,
    seconds: 10,
    path: () => '/v1/events',
    body: () => {
      const { ids, body } = batchBody(100);
      remember(ids);
      return body;
    },
  });
  return { single, batch };
}

function printTable(r: Record<string, unknown> & { ratios: Record<string, number> }): void {
  const rows: Array<[string, string, string]> = [
    ['jetstream_publish_ceiling_eps', String(r.jetstream_publish_ceiling_eps), 'ceiling'],
    ['ingest_single_rps', String(r.ingest_single_rps), 'NATS fsync always'],
    ['ingest_single_rps_lazy_fsync', String(r.ingest_single_rps_lazy_fsync), 'NATS default fsync (2 min)'],
    ['ingest_batch_eps_lazy_fsync', String(r.ingest_batch_eps_lazy_fsync), 'NATS default fsync (2 min)'],
    [
      'ingest_batch_eps',
      String(r.ingest_batch_eps),
      `${r.ratios.ingest_batch_to_jetstream_ceiling} of JetStream ceiling (target ≥ 0.5)`,
    ],
    ['db_write_ceiling_eps', String(r.db_write_ceiling_eps), 'ceiling (insertMany batches)'],
    ['db_single_write_ceiling_eps', String(r.db_single_write_ceiling_eps), 'ceiling (insertOne, 64 writers)'],
    [
      'projection_eps',
      String(r.projection_eps),
      `${r.ratios.projection_to_db_write_ceiling} of DB write ceiling (target ≥ 0.7)`,
    ],
    ['tracker_eps', String(r.tracker_eps), ''],
    ['e2e_lag_p50_ms', String(r.e2e_lag_p50_ms), `at ${r.e2e_lag_load_eps} events/s`],
    ['e2e_lag_p99_ms', String(r.e2e_lag_p99_ms), `${r.ratios.e2e_lag_p99_to_250ms} of 250 ms target`],
    ['get_by_id_p50_ms', String(r.get_by_id_p50_ms), `${r.sessions_stored} sessions stored`],
    ['get_by_id_p99_ms', String(r.get_by_id_p99_ms), `${r.ratios.get_by_id_p99_to_20ms} of 20 ms target`],
    ['list_p99_ms', String(r.list_p99_ms), 'limit=50, newest first'],
    ['csv_rows_per_s', String(r.csv_rows_per_s), `${r.csv_rows} rows`],
    ['csv_peak_rss_mb', String(r.csv_peak_rss_mb), `gateway; ${r.csv_gateway_baseline_rss_mb} MB before`],
  ];
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length))];
  for (const [k, v, note] of rows) console.log(`${k.padEnd(w[0])}  ${v.padStart(w[1])}  ${note}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
