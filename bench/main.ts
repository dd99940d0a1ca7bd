import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { CONSUMERS, EVENTS_STREAM } from '@cobrowse/contracts';
import { BenchSystem } from './bench-system';
import { CONFIG } from './config';
import { CpuUsage } from './cpu-usage';
import { agentId, deviceProfile, population } from './mix';
import { drain } from './phases/consumer-drain';
import { csvExport } from './phases/csv-export';
import { dbWriteCeilings } from './phases/db-ceiling';
import { e2eLag } from './phases/e2e-lag';
import { heartbeats } from './phases/heartbeats';
import { load } from './phases/http-load';
import { jetstreamPublishCeiling } from './phases/jetstream-ceiling';
import { longSession } from './phases/long-session';
import { natsIngest } from './phases/nats-ingest';
import { sendMix } from './phases/mix-send';
import { projectionCeiling, type SentSessionEvent } from './phases/projection-ceiling';
import { webhookDelivery } from './phases/webhook-delivery';
import { queries } from './phases/queries';
import { readStepTotals, stepsBetween, type PhaseSteps } from './projector-steps';
import { progress, round } from './stats';
import { BENCH_KEY, BENCH_TENANT, batchBody, singleBody } from './workload';

/** Device ids of the relay mix (the creation-only ingest phases use `device-<n>`). */
const MIX_DEVICES = 'relay-device-';

async function main(): Promise<void> {
  const startedAt = Date.now();
  // The shipped setting; BENCH_NATS_SYNC_INTERVAL=2m measures everything at the server's default.
  const syncInterval = process.env.BENCH_NATS_SYNC_INTERVAL ?? 'always';
  progress(
    `${CONFIG.quick ? 'smoke run (BENCH_QUICK): ' : ''}starting NATS (sync_interval ${syncInterval}), FerretDB and the four services`,
  );
  const system = await BenchSystem.start({ natsSyncInterval: syncInterval });
  const nc = await connect(system.natsAs('services'));
  const jsm = await nc.jetstreamManager();
  const headers = { authorization: `Bearer ${BENCH_KEY}` };
  const sampleIds: string[] = [];
  const remember = (ids: string[]) => {
    for (const id of ids) if (sampleIds.length < 5_000 || Math.random() < 0.01) sampleIds.push(id);
  };
  const cpu: Record<string, Record<string, number>> = {};
  const projectorSteps: Record<string, PhaseSteps> = {};
  const projectorProbe = system.probePorts.get('history-projector')!;
  const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const usage = new CpuUsage(system.allPids());
    const steps = await readStepTotals(projectorProbe);
    const result = await run();
    cpu[name] = usage.cores();
    projectorSteps[name] = stepsBetween(steps, await readStepTotals(projectorProbe));
    return result;
  };
  let stored = 0;
  try {
    const { single, batch, overNats } = await phase('ingest_batch', () => ingest(system, remember));
    stored += single.ok + batch.ok * 100 + overNats.accepted;

    const first = await jsm.streams.getMessage(EVENTS_STREAM, { seq: 1 });
    const messageSize = first.data.length;
    progress(`jetstream_publish_ceiling_eps: raw async publisher, ${messageSize}-byte messages`);
    const jetstreamCeiling = await jetstreamPublishCeiling(nc, messageSize, CONFIG.jetstreamCeilingMessages);

    // The relay mix: most of it with every service running, the last slice with projector and
    // tracker stopped, so each then drains a backlog of exactly what relays send, alone.
    const sliceSessions = CONFIG.drainSessions;
    const bulkSessions = Math.max(CONFIG.sessions - stored - sliceSessions, sliceSessions);
    const bulkDevices = Math.max(1, Math.ceil(bulkSessions / 3));
    const marks: Record<string, string> = {};
    let created = 0;
    progress(
      `fill: ${bulkSessions} sessions of the relay mix (at most ${CONFIG.fillMaxPages} pages each) on ${bulkDevices} devices (${CONFIG.lanes} relays, ${CONFIG.mixBatch} facts per request)`,
    );
    const fill = await phase('fill', () =>
      sendMix({
        gatewayUrl: system.gatewayUrl,
        lanes: population(MIX_DEVICES, bulkDevices, bulkSessions, CONFIG.lanes, 1, {
          maxPages: CONFIG.fillMaxPages,
        }),
        batchSize: CONFIG.mixBatch,
        label: 'fill',
        onAnswer: (events, results) => {
          events.forEach((e, i) => {
            if (e.type !== 'session.created' || results[i].status !== 'accepted') return;
            remember([e.sessionId!]);
            created++;
            for (const at of [0.4, 0.5, 0.9])
              if (!marks[at] && created >= bulkSessions * at) marks[at] = new Date().toISOString();
          });
        },
      }),
    );
    stored += fill.sessionsCreated;

    progress(`stopping history-projector and connection-tracker; ${sliceSessions} more sessions of the mix`);
    await system.stopService('history-projector');
    await system.stopService('connection-tracker');
    const sliceDevices = Math.min(bulkDevices, sliceSessions);
    const sliceEvents: SentSessionEvent[] = [];
    const pagesSoFar = new Map<string, number>();
    const slice = await phase('fill_consumers_stopped', () =>
      sendMix({
        gatewayUrl: system.gatewayUrl,
        // The same devices as the fill: each comes back for another session.
        lanes: population(MIX_DEVICES, sliceDevices, sliceSessions, CONFIG.lanes, 2),
        batchSize: CONFIG.mixBatch,
        label: 'slice',
        onAnswer: (events, results) => {
          events.forEach((e, i) => {
            if (!e.sessionId || results[i].status !== 'accepted') return;
            if (e.type === 'session.created') remember([e.sessionId]);
            const pages = Math.max(pagesSoFar.get(e.sessionId) ?? 0, e.page ?? 0);
            pagesSoFar.set(e.sessionId, pages);
            sliceEvents.push({ sessionId: e.sessionId, pages });
          });
        },
      }),
    );
    stored += slice.sessionsCreated;

    progress('projection_eps: history-projector started again, draining the slice alone');
    system.startService('history-projector');
    const projection = await phase('projection_drain', () => drain(nc, CONSUMERS.projector));
    progress('tracker_eps: connection-tracker started again, draining the slice alone');
    system.startService('connection-tracker');
    const tracker = await phase('tracker_drain', () => drain(nc, CONSUMERS.tracker));
    progress(
      `drained ${projection.events} events: projector ${projection.eps.toFixed(0)}/s, tracker ${tracker.eps.toFixed(0)}/s`,
    );

    progress('db_write_ceiling_eps: raw driver insertMany / insertOne of a session document');
    const sampleResponse = await fetch(
      `${system.gatewayUrl}/v1/sessions/${sampleIds[sampleIds.length - 1]}`,
      {
        headers,
      },
    );
    const sample = (await sampleResponse.json()) as Record<string, unknown>;
    const dbCeiling = await dbWriteCeilings(system.mongoUrl, sample, CONFIG.dbCeilingDocuments);
    const ceilingSessions = new Set([...pagesSoFar.keys()].slice(0, CONFIG.projectionCeilingSessions));
    progress(
      `projection_ceiling_eps: raw driver bulkWrite of the slice's first ${ceilingSessions.size} sessions, ${CONFIG.projectionBatch} events per batch`,
    );
    const projectionCeilingResult = await projectionCeiling(
      system.mongoUrl,
      system.gatewayUrl,
      BENCH_TENANT,
      sliceEvents.filter((e) => ceilingSessions.has(e.sessionId)),
      CONFIG.projectionBatch,
    );

    // What the whole system sustains: no more than the relays get accepted with every service
    // running (the fill), nor than either consumer applies alone.
    const sustainedEps = Math.min(fill.accepted / fill.seconds, projection.eps, tracker.eps);
    // A fixed load (BENCH_E2E_LOAD_EPS) compares runs whose sustained rates differ.
    const lagLoad = CONFIG.e2eLoadEps || Math.max(10, Math.round(sustainedEps / 2));
    progress(
      `e2e lag: ${CONFIG.e2eSeconds} s of the mix at ${lagLoad} events/s (${CONFIG.e2eLoadEps ? 'BENCH_E2E_LOAD_EPS; ' : ''}half the sustained ${Math.round(sustainedEps)}: the slowest of the fill's ingest, projection and tracker) plus 10 probes/s`,
    );
    const lag = await phase('e2e_lag', () => e2eLag(nc, system.gatewayUrl, lagLoad, CONFIG.e2eSeconds));
    await drain(nc, CONSUMERS.projector);
    await drain(nc, CONSUMERS.tracker);

    progress(`get_by_id: GET /v1/sessions/{id} over ${sampleIds.length} stored ids, 8 connections`);
    const get = await phase('get_by_id', () =>
      load({
        url: system.gatewayUrl,
        method: 'GET',
        key: BENCH_KEY,
        connections: 8,
        seconds: CONFIG.getSeconds,
        path: () => `/v1/sessions/${sampleIds[Math.floor(Math.random() * sampleIds.length)]}`,
      }),
    );

    progress(`lists and counts: every shape, ${stored} sessions stored`);
    const now = new Date().toISOString();
    const probeDevice = deviceProfile(MIX_DEVICES, 7);
    const query = await phase('queries', () =>
      queries({
        gatewayUrl: system.gatewayUrl,
        deviceId: probeDevice.deviceId,
        customerId: probeDevice.customerId,
        agentId: agentId(7),
        createdAfter: marks[0.4] ?? now,
        createdBefore: marks[0.5] ?? now,
        endedAfter: marks[0.9] ?? now,
        budgetSeconds: CONFIG.queryBudgetSeconds,
        repeats: CONFIG.queryRepeats,
      }),
    );

    progress(`long_session_projection_ms: one session with ${CONFIG.longSessionPages} pages`);
    const long = await phase('long_session', () =>
      longSession(nc, system.gatewayUrl, CONFIG.longSessionPages),
    );
    await drain(nc, CONSUMERS.projector);

    progress(
      `heartbeat_cores: ${CONFIG.heartbeatDevices} devices beating every ${CONFIG.heartbeatIntervalSeconds} s for ${CONFIG.heartbeatSeconds} s, ${CONFIG.heartbeatBatch} beats per request`,
    );
    const beats = await heartbeats({
      nc,
      gatewayUrl: system.gatewayUrl,
      pids: system.allPids(),
      devices: CONFIG.heartbeatDevices,
      seconds: CONFIG.heartbeatSeconds,
      intervalSeconds: CONFIG.heartbeatIntervalSeconds,
      batch: CONFIG.heartbeatBatch,
    });
    cpu.heartbeats = beats.cores_by_process;

    progress('csv: GET /v1/sessions/export.csv of every stored session');
    const csv = await phase('csv', () =>
      csvExport(system.gatewayUrl, {
        gateway: system.pid('gateway'),
        projector: system.pid('history-projector'),
      }),
    );

    progress(
      `webhook_delivery_eps: ${CONFIG.webhookBacklogSessions} sessions of the mix for one endpoint with the dispatcher stopped, then delays at ${CONFIG.webhookLoadEps} events/s for ${CONFIG.webhookSeconds} s`,
    );
    const webhooks = await webhookDelivery(
      nc,
      system,
      {
        backlogSessions: CONFIG.webhookBacklogSessions,
        loadEps: CONFIG.webhookLoadEps,
        seconds: CONFIG.webhookSeconds,
      },
      (run) => phase('webhooks', run),
    );

    await nc.close();
    await system.stop();
    let lazyIngest: Awaited<ReturnType<typeof ingest>> | undefined;
    if (CONFIG.lazyFsync) {
      progress('the same ingest on a NATS with its default fsync (every 2 minutes)');
      const lazy = await BenchSystem.start();
      lazyIngest = await ingest(lazy, () => undefined).finally(() => lazy.stop());
    }

    const batchEps = (batch.ok * 100) / batch.seconds;
    const results = {
      machine: {
        cpus: cpus().length,
        cpu_model: cpus()[0]?.model ?? '',
        memory_gb: round(totalmem() / 2 ** 30),
      },
      quick: CONFIG.quick,
      sessions_stored: stored,
      message_size_bytes: messageSize,
      jetstream_publish_ceiling_eps: round(jetstreamCeiling),
      ingest_single_rps: round(single.ok / single.seconds),
      ingest_single_p99_ms: single.p99,
      ingest_batch_eps: round(batchEps),
      ingest_nats_eps: round(overNats.eps),
      ingest_nats_p99_ms: round(overNats.p99),
      ingest_failed_requests: single.failed + batch.failed,
      nats_sync_interval: syncInterval,
      ingest_single_rps_lazy_fsync: lazyIngest
        ? round(lazyIngest.single.ok / lazyIngest.single.seconds)
        : null,
      ingest_batch_eps_lazy_fsync: lazyIngest
        ? round((lazyIngest.batch.ok * 100) / lazyIngest.batch.seconds)
        : null,
      ingest_mix_eps: round(fill.accepted / fill.seconds),
      ingest_mix_eps_consumers_stopped: round(slice.accepted / slice.seconds),
      mix: {
        fill: { ...fill, seconds: round(fill.seconds) },
        slice: { ...slice, seconds: round(slice.seconds) },
        sessions: bulkSessions + sliceSessions,
        devices: bulkDevices,
      },
      projection_eps: round(projection.eps),
      projection_backlog: projection.events,
      projection_catch_up_s: round(projection.catchUpSeconds),
      projection_caught_up: projection.caughtUp,
      projection_ceiling_eps: round(projectionCeilingResult.eps),
      projection_ceiling: {
        ...projectionCeilingResult,
        eps: round(projectionCeilingResult.eps),
        batch_events: CONFIG.projectionBatch,
      },
      tracker_eps: round(tracker.eps),
      tracker_backlog: tracker.events,
      tracker_catch_up_s: round(tracker.catchUpSeconds),
      tracker_caught_up: tracker.caughtUp,
      db_write_ceiling_eps: round(dbCeiling.batched),
      db_single_write_ceiling_eps: round(dbCeiling.single),
      e2e_lag_p50_ms: round(lag.p50),
      e2e_lag_p99_ms: round(lag.p99),
      e2e_lag_probe_p50_ms: round(lag.probeP50),
      e2e_lag_probe_p99_ms: round(lag.probeP99),
      e2e_lag_load_eps: lagLoad,
      sustained_eps: round(sustainedEps),
      e2e_lag_sent_eps: round(lag.load.accepted / lag.load.seconds),
      e2e_lag_samples: lag.samples,
      e2e_lag_probes: lag.probes,
      e2e_lag_lost: lag.lost,
      get_by_id_p50_ms: get.p50,
      get_by_id_p99_ms: get.p99,
      get_by_id_rps: round(get.ok / get.seconds),
      get_by_id_failed: get.failed,
      list_p99_ms: query.list_p99_ms,
      list_filtered_p99_ms: query.list_filtered_p99_ms,
      count_p99_ms: query.count_p99_ms,
      count_filtered_p99_ms: query.count_filtered_p99_ms,
      devices_list_p99_ms: query.devices_list_p99_ms,
      devices_list_presence_p99_ms: query.devices_list_presence_p99_ms,
      query_failed: query.failed,
      queries: query.shapes,
      long_session_projection_ms: long.projection_ms,
      long_session: long,
      heartbeat_cores: beats.cores,
      heartbeat_log_growth: beats.log_growth,
      heartbeats: beats,
      csv_rows: csv.rows,
      csv_rows_per_s: round(csv.rowsPerS),
      csv_peak_rss_mb: round(csv.gatewayPeakMb),
      csv_gateway_baseline_rss_mb: round(csv.baselineMb),
      csv_projector_peak_rss_mb: round(csv.projectorPeakMb),
      webhook_delivery_eps: round(webhooks.eps),
      webhook_delay_p50_ms: round(webhooks.delay_p50_ms),
      webhook_delay_p99_ms: round(webhooks.delay_p99_ms),
      webhooks: { ...webhooks, eps: round(webhooks.eps) },
      ratios: {
        ingest_batch_to_jetstream_ceiling: round(batchEps / jetstreamCeiling, 3),
        ingest_nats_to_jetstream_ceiling: round(overNats.eps / jetstreamCeiling, 3),
        projection_to_projection_ceiling: round(projection.eps / projectionCeilingResult.eps, 3),
        projection_to_db_write_ceiling: round(projection.eps / dbCeiling.batched, 3),
        projection_to_db_single_write_ceiling: round(projection.eps / dbCeiling.single, 3),
        tracker_to_projection: round(tracker.eps / projection.eps, 3),
        e2e_lag_p99_to_100ms: round(lag.p99 / 100, 3),
        get_by_id_p99_to_20ms: round(get.p99 / 20, 3),
        list_p99_to_100ms: round(query.list_p99_ms / 100, 3),
        list_filtered_p99_to_1s: round(query.list_filtered_p99_ms / 1000, 3),
        count_p99_to_20ms: round(query.count_p99_ms / 20, 3),
        count_filtered_p99_to_1s: round(query.count_filtered_p99_ms / 1000, 3),
        long_session_to_2s: round(long.projection_ms / 2000, 3),
        heartbeat_cores_to_0_2: round(beats.cores / 0.2, 3),
      },
      cpu_cores_used: cpu,
      projector_steps_per_phase: projectorSteps,
      took_s: round((Date.now() - startedAt) / 1000),
      finished_at: new Date().toISOString(),
    };
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    progress(`wrote bench/results/latest.json in ${results.took_s} s`);
  } finally {
    await nc.close().catch(() => undefined);
    await system.stop();
  }
}

/** Single creations (16 connections), 100-event batches (4 connections), and the same batches over NATS. */
async function ingest(system: BenchSystem, remember: (ids: string[]) => void) {
  progress(`ingest_single_rps: single POST /v1/sessions, 16 connections, ${CONFIG.ingestSeconds} s`);
  const single = await load({
    url: system.gatewayUrl,
    method: 'POST',
    key: BENCH_KEY,
    connections: 16,
    seconds: CONFIG.ingestSeconds,
    path: () => '/v1/sessions',
    body: () => {
      const { id, body } = singleBody();
      remember([id]);
      return body;
    },
  });
  progress(`ingest_batch_eps: POST /v1/events with 100 events, 4 connections, ${CONFIG.ingestSeconds} s`);
  const batch = await load({
    url: system.gatewayUrl,
    method: 'POST',
    key: BENCH_KEY,
    connections: 4,
    seconds: CONFIG.ingestSeconds,
    path: () => '/v1/events',
    body: () => {
      const { ids, body } = batchBody(100);
      remember(ids);
      return body;
    },
  });
  progress(
    `ingest_nats_eps: 100 events per request on cobrowse.ingest as a relay, 4 in flight, ${CONFIG.ingestSeconds} s`,
  );
  const overNats = await natsIngest(
    system.natsAs(`relay-${BENCH_TENANT}`),
    4,
    CONFIG.ingestSeconds,
    remember,
  );
  return { single, batch, overNats };
}

type Results = Record<string, unknown> & {
  ratios: Record<string, number>;
  cpu_cores_used: Record<string, Record<string, number>>;
  projector_steps_per_phase: Record<string, PhaseSteps>;
};

function printTable(r: Results): void {
  const s = (key: string) => String(r[key] ?? '—');
  const rows: Array<[string, string, string]> = [
    ['jetstream_publish_ceiling_eps', s('jetstream_publish_ceiling_eps'), 'ceiling'],
    ['ingest_single_rps', s('ingest_single_rps'), 'NATS fsync always'],
    ['ingest_single_rps_lazy_fsync', s('ingest_single_rps_lazy_fsync'), 'NATS default fsync (2 min)'],
    ['ingest_batch_eps_lazy_fsync', s('ingest_batch_eps_lazy_fsync'), 'NATS default fsync (2 min)'],
    [
      'ingest_batch_eps',
      s('ingest_batch_eps'),
      `${r.ratios.ingest_batch_to_jetstream_ceiling} of JetStream ceiling (target ≥ 0.5)`,
    ],
    [
      'ingest_nats_eps',
      s('ingest_nats_eps'),
      `${r.ratios.ingest_nats_to_jetstream_ceiling} of JetStream ceiling; a relay on cobrowse.ingest, 4 requests in flight`,
    ],
    [
      'ingest_mix_eps',
      s('ingest_mix_eps'),
      `relay mix; ${s('ingest_mix_eps_consumers_stopped')} with consumers stopped`,
    ],
    ['db_write_ceiling_eps', s('db_write_ceiling_eps'), 'ceiling (insertMany batches)'],
    ['db_single_write_ceiling_eps', s('db_single_write_ceiling_eps'), 'ceiling (insertOne, 64 writers)'],
    [
      'projection_ceiling_eps',
      s('projection_ceiling_eps'),
      'ceiling (bulkWrite of the same documents, same batches)',
    ],
    [
      'projection_eps',
      s('projection_eps'),
      `${r.ratios.projection_to_projection_ceiling} of projection ceiling (target ≥ 0.7); ${r.ratios.projection_to_db_write_ceiling} of insertMany`,
    ],
    ['tracker_eps', s('tracker_eps'), `${r.ratios.tracker_to_projection} of projection_eps (target ≥ 1)`],
    [
      'e2e_lag_p50_ms',
      s('e2e_lag_p50_ms'),
      `at ${s('e2e_lag_load_eps')} events/s of the mix (${s('e2e_lag_sent_eps')} accepted), half of ${s('sustained_eps')} sustained`,
    ],
    ['e2e_lag_p99_ms', s('e2e_lag_p99_ms'), `${r.ratios.e2e_lag_p99_to_100ms} of 100 ms target`],
    ['get_by_id_p50_ms', s('get_by_id_p50_ms'), `${s('sessions_stored')} sessions stored`],
    ['get_by_id_p99_ms', s('get_by_id_p99_ms'), `${r.ratios.get_by_id_p99_to_20ms} of 20 ms target`],
    [
      'list_p99_ms',
      s('list_p99_ms'),
      `no filter or state; first and next pages; ${r.ratios.list_p99_to_100ms} of 100 ms`,
    ],
    ['list_filtered_p99_ms', s('list_filtered_p99_ms'), `${r.ratios.list_filtered_p99_to_1s} of 1 s target`],
    ['count_p99_ms', s('count_p99_ms'), `by state; ${r.ratios.count_p99_to_20ms} of 20 ms target`],
    [
      'count_filtered_p99_ms',
      s('count_filtered_p99_ms'),
      `${r.ratios.count_filtered_p99_to_1s} of 1 s target`,
    ],
    ['devices_list_p99_ms', s('devices_list_p99_ms'), 'no filter or custom data; first and next pages'],
    ['devices_list_presence_p99_ms', s('devices_list_presence_p99_ms'), 'online=true / online=false'],
    [
      'long_session_projection_ms',
      s('long_session_projection_ms'),
      `${(r.long_session as { pages: number }).pages} pages; ${r.ratios.long_session_to_2s} of 2 s target`,
    ],
    [
      'heartbeat_cores',
      s('heartbeat_cores'),
      `behind the gateway; ${r.ratios.heartbeat_cores_to_0_2} of 0.2 target; log grew by ${s('heartbeat_log_growth')}`,
    ],
    ['csv_rows_per_s', s('csv_rows_per_s'), `${s('csv_rows')} rows`],
    ['csv_peak_rss_mb', s('csv_peak_rss_mb'), `gateway; ${s('csv_gateway_baseline_rss_mb')} MB before`],
    [
      'webhook_delivery_eps',
      s('webhook_delivery_eps'),
      `one endpoint on this machine draining ${(r.webhooks as { backlog: number }).backlog} events`,
    ],
    [
      'webhook_delay_p50_ms',
      s('webhook_delay_p50_ms'),
      'recorded in the log to received, under a steady load',
    ],
    [
      'webhook_delay_p99_ms',
      s('webhook_delay_p99_ms'),
      `${(r.webhooks as { missing: number }).missing} events not received`,
    ],
  ];
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length))];
  for (const [k, v, note] of rows) console.log(`${k.padEnd(w[0])}  ${v.padStart(w[1])}  ${note}`);

  const processes = [
    ...new Set(Object.values(r.cpu_cores_used).flatMap((byProcess) => Object.keys(byProcess))),
  ];
  const phases = Object.keys(r.cpu_cores_used);
  const pw = Math.max(5, ...phases.map((p) => p.length));
  console.log(
    `\nCPU cores used per phase\n${'phase'.padEnd(pw)}  ${processes.map((p) => p.padStart(Math.max(10, p.length))).join(' ')}`,
  );
  for (const p of phases)
    console.log(
      `${p.padEnd(pw)}  ${processes.map((name) => String(r.cpu_cores_used[p][name] ?? '—').padStart(Math.max(10, name.length))).join(' ')}`,
    );

  // Where a projector batch's time goes (cobrowse_projection_step_duration_seconds).
  const stepped = Object.entries(r.projector_steps_per_phase).filter(([, steps]) => steps.batches > 0);
  const columns = ['batches', 'fold_ms', 'write_ms', 'list_ms'] as const;
  console.log(
    `\nProjector batches per phase (mean ms per step)\n${'phase'.padEnd(pw)}  ${columns.map((c) => c.padStart(10)).join(' ')}`,
  );
  for (const [p, steps] of stepped)
    console.log(`${p.padEnd(pw)}  ${columns.map((c) => String(steps[c]).padStart(10)).join(' ')}`);
}

// Ctrl-C or a kill: exit normally, so the services, NATS and FerretDB this run started stop too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
