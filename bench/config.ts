/**
 * Sizes and durations of a run. `BENCH_QUICK=1` is a smoke run (small sizes, short phases) to
 * check the bench itself; its figures are not comparable with a full run's.
 */
const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

const num = (name: string, full: number, quick: number): number => {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
    return n;
  }
  return QUICK ? quick : full;
};

export const CONFIG = {
  quick: QUICK,
  /** Sessions stored before the query phases. */
  sessions: num('BENCH_SESSIONS', 100_000, 200),
  /**
   * Pages at most per session of the fill before the slice (the slice has the whole mix, long
   * sessions included): what makes a fill to 1M sessions take hours rather than days.
   */
  fillMaxPages: num('BENCH_FILL_MAX_PAGES', 4, 4),
  /** The last this many sessions of the fill are sent with the consumers stopped, then drained alone. */
  drainSessions: num('BENCH_DRAIN_SESSIONS', 5_000, 60),
  /** Seconds of each autocannon ingest phase (single and batched creations). */
  ingestSeconds: num('BENCH_INGEST_SECONDS', 10, 2),
  /** Messages the raw JetStream publisher sends. */
  jetstreamCeilingMessages: num('BENCH_JETSTREAM_CEILING_MESSAGES', 40_000, 5_000),
  /** Documents of the `insertMany` ceiling (and a tenth of that, at least 300, for `insertOne`). */
  dbCeilingDocuments: num('BENCH_DB_CEILING_DOCUMENTS', 20_000, 2_000),
  /** Sessions of the drained slice whose events the projection ceiling replays. */
  projectionCeilingSessions: num('BENCH_PROJECTION_CEILING_SESSIONS', 3_000, 60),
  /** Events per batch, as the projector folds them (up to 500: whatever arrived while it wrote the last). */
  projectionBatch: num('BENCH_PROJECTION_BATCH', 500, 500),
  /** Relays sending the mix at once, each one request at a time. */
  lanes: num('BENCH_LANES', 8, 8),
  /** Events per `POST /v1/events` of the mix (at most 500). */
  mixBatch: num('BENCH_MIX_BATCH', 250, 250),
  e2eSeconds: num('BENCH_E2E_SECONDS', 20, 8),
  /** The e2e lag phase's load in events/s; 0: half the sustained rate measured in the run. */
  e2eLoadEps: num('BENCH_E2E_LOAD_EPS', 0, 0),
  getSeconds: num('BENCH_GET_SECONDS', 10, 3),
  /** Time one query shape may take in all before it stops repeating (it runs at least twice). */
  queryBudgetSeconds: num('BENCH_QUERY_BUDGET_S', 20, 3),
  queryRepeats: num('BENCH_QUERY_REPEATS', 20, 5),
  longSessionPages: num('BENCH_LONG_SESSION_PAGES', 1_000, 300),
  heartbeatDevices: num('BENCH_HEARTBEAT_DEVICES', 10_000, 100),
  heartbeatSeconds: num('BENCH_HEARTBEAT_SECONDS', 120, 10),
  heartbeatIntervalSeconds: num('BENCH_HEARTBEAT_INTERVAL_S', 5, 5),
  heartbeatBatch: num('BENCH_HEARTBEAT_BATCH', 100, 100),
  /** How long a consumer may take to drain a backlog before the run goes on without it (and says so). */
  drainTimeoutSeconds: num('BENCH_DRAIN_TIMEOUT_S', 1_800, 600),
  /** The same for the tracker after the heartbeats (on a tracker that logs every beat, a long wait). */
  heartbeatCatchUpSeconds: num('BENCH_HEARTBEAT_CATCH_UP_S', 300, 120),
  /** Sessions of the mix logged while the webhook dispatcher is stopped: the backlog it then drains. */
  webhookBacklogSessions: num('BENCH_WEBHOOK_BACKLOG_SESSIONS', 2_000, 100),
  /** The steady load under which webhook delays are measured, events/s, and for how long. */
  webhookLoadEps: num('BENCH_WEBHOOK_LOAD_EPS', 100, 50),
  webhookSeconds: num('BENCH_WEBHOOK_SECONDS', 20, 5),
  /** The second system at NATS's default fsync (skipped in a smoke run unless set to 1). */
  lazyFsync: num('BENCH_LAZY_FSYNC', 1, 0) > 0,
};
