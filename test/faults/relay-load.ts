import { randomUUID } from 'node:crypto';
import { TEST_KEYS } from '@cobrowse/testing';

/** One fact a relay reports, with the event_id it retries under. */
export interface Fact {
  event_id: string;
  type: string;
  session_id?: string;
  occurred_at: number;
  data: Record<string, unknown>;
}

/** A whole co-browse visit: a device connects, a session runs through every state, the device leaves. */
export interface Visit {
  sessionId: string;
  deviceId: string;
  connectionId: string;
  base: number;
  facts: Fact[];
}

/** Page entries at +2 s, +5 s, +9 s and the end at +12 s: Genesys durations 3, 4, 3. */
export const PAGE_OFFSETS_MS = [2_000, 5_000, 9_000];
export const END_OFFSET_MS = 12_000;

export function newVisit(client: number, n: number): Visit {
  const sessionId = randomUUID();
  const deviceId = `relay-${client}-device-${n}`;
  const connectionId = `tab-${n}`;
  const base = Date.now() - 60_000;
  const id = (what: string) => `${sessionId}:${what}`;
  const session = (what: string, type: string, at: number, data: Record<string, unknown>): Fact => ({
    event_id: id(what),
    type,
    session_id: sessionId,
    occurred_at: base + at,
    data,
  });
  const connection = (what: string, type: string, at: number, data: Record<string, unknown> = {}): Fact => ({
    event_id: id(what),
    type,
    occurred_at: base + at,
    data: { device_id: deviceId, connection_id: connectionId, ...data },
  });
  return {
    sessionId,
    deviceId,
    connectionId,
    base,
    facts: [
      connection('opened', 'connection.opened', 0, { current_url: 'https://shop.test/' }),
      session('created', 'session.created', 0, { device_id: deviceId }),
      session('activated', 'session.activated', 1_000, { agent: { id: `agent-${client}` } }),
      ...PAGE_OFFSETS_MS.map((at, i) =>
        session(`page-${i}`, 'session.page-entered', at, { url: `https://shop.test/p${i}` }),
      ),
      session('metadata', 'session.metadata-updated', 10_000, { metadata: { visit: n, client } }),
      connection('heartbeat', 'connection.heartbeat', 11_000, { current_url: 'https://shop.test/p2' }),
      session('ended', 'session.deactivated', END_OFFSET_MS, { reason: 'agent' }),
      connection('closed', 'connection.closed', END_OFFSET_MS + 500),
    ],
  };
}

export interface LoadStats {
  acknowledged: Set<string>;
  /** When each acknowledgement arrived (ms), in order: gaps show when ingest stalled. */
  acknowledgedAt: number[];
  visits: Visit[];
  attempts: number;
  fiveHundreds: string[];
  unexpected: string[];
}

/**
 * Relays that report visits one fact at a time, each retried with the same event_id until the
 * answer is definite (accepted or duplicate): network errors, 502-504 and per-item
 * SERVICE_UNAVAILABLE are retried; a 500 or any other refusal is recorded as a failure.
 */
export class RelayLoad {
  readonly stats: LoadStats = {
    acknowledged: new Set(),
    acknowledgedAt: [],
    visits: [],
    attempts: 0,
    fiveHundreds: [],
    unexpected: [],
  };
  private running = true;
  private workers: Promise<void>[] = [];

  constructor(private readonly gatewayUrl: () => string) {}

  start(clients: number): void {
    this.workers = Array.from({ length: clients }, (_, c) => this.relay(c));
  }

  /** Lets every relay finish the visit it is on, then resolves. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  private async relay(client: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const visit = newVisit(client, n);
      this.stats.visits.push(visit);
      for (const fact of visit.facts) if (!(await this.report(fact))) return;
    }
  }

  /** True once the fact is acknowledged; false on a failure (recorded). */
  private async report(fact: Fact): Promise<boolean> {
    for (;;) {
      this.stats.attempts++;
      let status = 0;
      let body: any;
      try {
        const response = await fetch(`${this.gatewayUrl()}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_KEYS.ingest}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: [fact] }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        body = await response.json().catch(() => null);
      } catch {
        status = 0; // no answer: the gateway is down or restarting
      }
      const result = body?.results?.[0];
      if (status === 200 && (result?.status === 'accepted' || result?.status === 'duplicate')) {
        this.stats.acknowledged.add(fact.event_id);
        this.stats.acknowledgedAt.push(Date.now());
        return true;
      }
      if (status === 500)
        this.stats.fiveHundreds.push(`${fact.type} ${fact.event_id}: ${JSON.stringify(body)}`);
      else if (status === 200 && result?.error?.code !== 'SERVICE_UNAVAILABLE') {
        this.stats.unexpected.push(`${fact.type} ${fact.event_id}: ${JSON.stringify(result)}`);
        return false;
      } else if (status !== 0 && status !== 200 && status < 502) {
        this.stats.unexpected.push(`${fact.type} ${fact.event_id}: HTTP ${status} ${JSON.stringify(body)}`);
        return false;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** What differs between a visit as reported and the read models; null when they agree. */
export async function readModelMismatch(
  visit: Visit,
  get: (path: string) => Promise<{ status: number; body: any }>,
): Promise<string | null> {
  const session = await get(`/v1/sessions/${visit.sessionId}`);
  const s = session.body;
  const want = {
    state: 'ended',
    version: 7,
    pages: PAGE_OFFSETS_MS.map((_, i) => `https://shop.test/p${i}`),
    metadata: visit.facts.find((f) => f.type === 'session.metadata-updated')!.data.metadata,
  };
  const have = {
    state: s?.state,
    version: s?.version,
    pages: s?.pages?.map((p: { url: string }) => p.url),
    metadata: s?.metadata,
  };
  if (JSON.stringify(have) !== JSON.stringify(want))
    return `session ${visit.sessionId}: ${session.status} ${JSON.stringify(have)}`;

  const history = (await get(`/history/sessions/${visit.sessionId}`)).body;
  const durations = history?.pages?.map((p: { duration: number }) => p.duration);
  const wantDurations = PAGE_OFFSETS_MS.map(
    (at, i) => ((PAGE_OFFSETS_MS[i + 1] ?? END_OFFSET_MS) - at) / 1000,
  );
  if (
    JSON.stringify(durations) !== JSON.stringify(wantDurations) ||
    history.deactivationTime !== visit.base + END_OFFSET_MS
  )
    return `history ${visit.sessionId}: ${JSON.stringify(history)}`;

  const device = await get(`/v1/devices/${visit.deviceId}`);
  const d = device.body;
  const connections = d?.connections?.map((c: { unique_connection_id: string; status: string }) => [
    c.unique_connection_id,
    c.status,
  ]);
  const haveDevice = {
    in_session: d?.is_in_session,
    current: d?.current_session_id,
    online: d?.is_online,
    connections,
  };
  const wantDevice = {
    in_session: false,
    current: null,
    online: false,
    connections: [[visit.connectionId, 'disconnected']],
  };
  if (JSON.stringify(haveDevice) !== JSON.stringify(wantDevice))
    return `device ${visit.deviceId}: ${device.status} ${JSON.stringify(haveDevice)}`;
  return null;
}
