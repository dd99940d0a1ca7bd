import type { NatsConnection } from 'nats';
import { CONSUMERS, EVENTS_STREAM } from '@cobrowse/contracts';
import { CONFIG } from '../config';
import { CpuUsage } from '../cpu-usage';
import { percentile, progress, round, sleep } from '../stats';
import { BENCH_KEY } from '../workload';
import { drain } from './consumer-drain';

export interface HeartbeatResult {
  devices: number;
  seconds: number;
  beats_sent: number;
  beats_per_s: number;
  requests: number;
  failed_requests: number;
  rejected_beats: number;
  request_p99_ms: number;
  /** Cores used by everything behind the gateway (every process but the gateway and the bench). */
  cores: number;
  cores_by_process: Record<string, number>;
  /** The same, counting what the processes spent after the beats until the tracker had applied them, over the phase's length. */
  cores_including_catch_up: number;
  /** Messages appended to the event log while only unchanged heartbeats were sent. */
  log_growth: number;
  /** Messages appended to every JetStream stream (log, KV buckets, ...) meanwhile, by stream. */
  jetstream_growth: Record<string, number>;
  /** What the tracker still had to apply when the beats stopped, and how long it took. */
  tracker_backlog_at_end: number;
  tracker_catch_up_s: number;
  /** False when the tracker still had beats to apply after BENCH_HEARTBEAT_CATCH_UP_S (`tracker_left`). */
  tracker_caught_up: boolean;
  tracker_left: number;
  /** Devices sampled with GET /v1/devices/{id} after the phase: online with their connection active. */
  presence_sampled: number;
  presence_online: number;
  /** Oldest `last_seen_at` among the sampled devices, in seconds before the phase ended. */
  presence_max_last_seen_age_s: number;
}

async function streamPositions(nc: NatsConnection): Promise<Map<string, number>> {
  const jsm = await nc.jetstreamManager();
  const out = new Map<string, number>();
  for await (const s of jsm.streams.list()) out.set(s.config.name, s.state.last_seq);
  return out;
}

/**
 * `devices` devices, each with one open connection, beat every `intervalSeconds` for
 * `seconds`; relays batch `batch` beats per `POST /v1/events`, the requests spread evenly
 * (10k devices every 5 s in 100s = 20 requests/s). Nothing in the beats changes: same
 * connection, no URL, no focus change.
 */
export async function heartbeats(options: {
  nc: NatsConnection;
  gatewayUrl: string;
  pids: Record<string, number>;
  devices: number;
  seconds: number;
  intervalSeconds: number;
  batch: number;
}): Promise<HeartbeatResult> {
  const { nc, gatewayUrl, devices, batch } = options;
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  const deviceId = (i: number) => `hb-device-${i}`;
  const connectionId = (i: number) => `hb-conn-${i}`;
  const post = async (events: unknown[]) => {
    const r = await fetch(`${gatewayUrl}/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events }),
    });
    const text = await r.text();
    if (r.status !== 200) return { ok: false, rejected: events.length };
    const results = (JSON.parse(text) as { results: Array<{ status: string }> }).results;
    return { ok: true, rejected: results.filter((x) => x.status === 'rejected').length };
  };

  progress(`  opening one connection on each of ${devices} devices`);
  for (let i = 0; i < devices; i += 500) {
    const events = Array.from({ length: Math.min(500, devices - i) }, (_, k) => ({
      type: 'connection.opened',
      data: {
        device_id: deviceId(i + k),
        connection_id: connectionId(i + k),
        current_url: `https://shop.example/home/${i + k}`,
        has_focus: true,
        screen_width: 1920,
        screen_height: 1080,
      },
    }));
    const r = await post(events);
    if (!r.ok || r.rejected) throw new Error('opening the heartbeat devices failed');
  }
  await drain(nc, CONSUMERS.tracker);

  const groups = Math.ceil(devices / batch);
  const spacingMs = (options.intervalSeconds * 1000) / groups;
  const before = await streamPositions(nc);
  const cpu = new CpuUsage(options.pids);
  const started = performance.now();
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let requests = 0;
  let failed = 0;
  let rejected = 0;
  let lastProgress = started;
  for (let tick = 0; ; tick++) {
    const due = started + tick * spacingMs;
    if (due - started >= options.seconds * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const g = tick % groups;
    const events = [];
    for (let i = g * batch; i < Math.min(devices, (g + 1) * batch); i++)
      events.push({
        type: 'connection.heartbeat',
        data: { device_id: deviceId(i), connection_id: connectionId(i) },
      });
    sent += events.length;
    requests++;
    const t = performance.now();
    const p: Promise<void> = post(events)
      .then((r) => {
        latencies.push(performance.now() - t);
        if (!r.ok) failed++;
        rejected += r.rejected;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (performance.now() - lastProgress > 10_000) {
      lastProgress = performance.now();
      progress(`  ${sent} beats sent, ${inFlight.size} requests in flight, ${failed} failed`);
    }
  }
  // The phase lasts its whole length (the last round of beats is due then).
  await sleep(Math.max(0, started + options.seconds * 1000 - performance.now()));
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  const coresByProcess = cpu.cores();
  const after = await streamPositions(nc);
  const jetstreamGrowth: Record<string, number> = {};
  for (const [name, seq] of after) jetstreamGrowth[name] = seq - (before.get(name) ?? 0);

  const endedAt = Date.now();
  const jsm = await nc.jetstreamManager();
  const trackerInfo = await jsm.consumers.info(EVENTS_STREAM, CONSUMERS.tracker);
  const trackerBacklog = trackerInfo.num_pending + trackerInfo.num_ack_pending;
  const catchUp = await drain(nc, CONSUMERS.tracker, CONFIG.heartbeatCatchUpSeconds * 1000);
  const cpuThroughCatchUp = cpu.cpuSeconds();

  const sampled = Array.from({ length: Math.min(50, devices) }, (_, k) =>
    Math.floor((k * devices) / Math.min(50, devices)),
  );
  let online = 0;
  let maxAge = 0;
  for (const i of sampled) {
    const r = await fetch(`${gatewayUrl}/v1/devices/${deviceId(i)}`, { headers });
    if (r.status !== 200) {
      await r.arrayBuffer();
      continue;
    }
    const d = (await r.json()) as {
      is_online?: boolean;
      last_seen_at?: string;
      connections?: Array<{ unique_connection_id: string; status: string }>;
    };
    const connection = d.connections?.find((c) => c.unique_connection_id === connectionId(i));
    if (d.is_online && connection?.status === 'active') online++;
    if (d.last_seen_at) maxAge = Math.max(maxAge, (endedAt - Date.parse(d.last_seen_at)) / 1000);
  }

  const behindGateway = (r: Record<string, number>) =>
    Object.entries(r)
      .filter(([name]) => name !== 'bench' && name !== 'gateway')
      .reduce((sum, [, v]) => sum + v, 0);
  return {
    devices,
    seconds: round(seconds),
    beats_sent: sent,
    beats_per_s: round(sent / seconds),
    requests,
    failed_requests: failed,
    rejected_beats: rejected,
    request_p99_ms: round(percentile(latencies, 99)),
    cores: round(behindGateway(coresByProcess), 2),
    cores_by_process: coresByProcess,
    cores_including_catch_up: round(behindGateway(cpuThroughCatchUp) / seconds, 2),
    log_growth: jetstreamGrowth[EVENTS_STREAM] ?? 0,
    jetstream_growth: jetstreamGrowth,
    tracker_backlog_at_end: trackerBacklog,
    tracker_catch_up_s: round(catchUp.catchUpSeconds),
    tracker_caught_up: catchUp.caughtUp,
    tracker_left: catchUp.left,
    presence_sampled: sampled.length,
    presence_online: online,
    presence_max_last_seen_age_s: round(maxAge),
  };
}
