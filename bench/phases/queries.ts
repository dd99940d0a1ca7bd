import { percentile, progress, round } from '../stats';
import { BENCH_KEY } from '../workload';

export interface ShapeStats {
  n: number;
  p50_ms: number;
  p99_ms: number;
  /** Rows of the first page (lists) or the count (counts), from the last run of the shape. */
  result: number;
  statuses: number[];
}

export interface QueryResults {
  list_p99_ms: number;
  list_filtered_p99_ms: number;
  count_p99_ms: number;
  count_filtered_p99_ms: number;
  /** `GET /v1/devices?limit=50`, no filter or custom data: first and next pages. */
  devices_list_p99_ms: number;
  /** The same with `online=true` / `online=false` (decided on each device, so they walk the rows). */
  devices_list_presence_p99_ms: number;
  /** Non-200 answers among all of them (none expected). */
  failed: number;
  shapes: Record<string, ShapeStats>;
}

export interface QueryInputs {
  gatewayUrl: string;
  deviceId: string;
  customerId: string;
  agentId: string;
  /** A window of creation times inside the fill (ISO 8601). */
  createdAfter: string;
  createdBefore: string;
  endedAfter: string;
  budgetSeconds: number;
  repeats: number;
}

/**
 * Every list and count shape the dashboard and the API serve, each repeated one after another
 * (at least twice, at most `repeats` times or until `budgetSeconds` is spent). A list run reads
 * the first page and then two more through `next_cursor`.
 */
export async function queries(q: QueryInputs): Promise<QueryResults> {
  const headers = { authorization: `Bearer ${BENCH_KEY}` };
  const unfiltered: Record<string, string> = {
    all: '',
    'state=pending': 'state=pending',
    'state=active': 'state=active',
    'state=ended': 'state=ended',
    'state=pending,active': 'state=pending,active',
  };
  const filtered: Record<string, string> = {
    'filter_plan=gold': 'filter_plan=gold',
    'filter_customer_id (one customer)': `filter_customer_id=${encodeURIComponent(q.customerId)}`,
    device_id: `device_id=${encodeURIComponent(q.deviceId)}`,
    agent_id: `agent_id=${encodeURIComponent(q.agentId)}`,
    'tags=premium': 'tags=premium',
    'tags=(sales+premium),vip': `tags=${encodeURIComponent('(sales+premium),vip')}`,
    'created window': `created_after=${encodeURIComponent(q.createdAfter)}&created_before=${encodeURIComponent(q.createdBefore)}`,
    ended_after: `ended_after=${encodeURIComponent(q.endedAfter)}`,
    'state=active&filter_region=eu': 'state=active&filter_region=eu',
  };
  const shapes: Record<string, ShapeStats> = {};
  const samples = new Map<string, number[]>();
  let failed = 0;

  const get = async (path: string): Promise<{ ms: number; status: number; body: unknown }> => {
    const t = performance.now();
    const r = await fetch(`${q.gatewayUrl}${path}`, { headers });
    const text = await r.text();
    const ms = performance.now() - t;
    if (r.status !== 200) failed++;
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { ms, status: r.status, body };
  };
  const record = (name: string, ms: number, status: number, result: number) => {
    const list = samples.get(name) ?? [];
    list.push(ms);
    samples.set(name, list);
    const s = shapes[name] ?? { n: 0, p50_ms: 0, p99_ms: 0, result: 0, statuses: [] };
    s.n = list.length;
    s.p50_ms = round(percentile(list, 50));
    s.p99_ms = round(percentile(list, 99));
    s.result = result;
    if (!s.statuses.includes(status)) s.statuses.push(status);
    shapes[name] = s;
  };
  const repeat = async (name: string, once: () => Promise<void>) => {
    const started = performance.now();
    for (let i = 0; i < q.repeats; i++) {
      if (i >= 2 && performance.now() - started > q.budgetSeconds * 1000) break;
      await once();
    }
    progress(`  ${name}: ${JSON.stringify(shapes[`${name} first`] ?? shapes[name])}`);
  };
  const list = (name: string, query: string, resource = 'sessions', prefix = 'list') =>
    repeat(`${prefix} ${name}`, async () => {
      let path = `/v1/${resource}?limit=50${query ? `&${query}` : ''}`;
      for (let page = 0; page < 3; page++) {
        const r = await get(path);
        const body = r.body as { data?: unknown[]; next_cursor?: string | null } | undefined;
        record(
          `${prefix} ${name} ${page === 0 ? 'first' : 'next'}`,
          r.ms,
          r.status,
          body?.data?.length ?? -1,
        );
        if (!body?.next_cursor) break;
        path = `/v1/${resource}?limit=50${query ? `&${query}` : ''}&cursor=${encodeURIComponent(body.next_cursor)}`;
      }
    });
  const devices: Record<string, string> = { all: '', 'filter_plan=gold': 'filter_plan=gold' };
  const devicesByPresence: Record<string, string> = {
    'online=true': 'online=true',
    'online=false': 'online=false',
  };
  const count = (name: string, query: string) =>
    repeat(`count ${name}`, async () => {
      const r = await get(`/v1/sessions/count${query ? `?${query}` : ''}`);
      record(`count ${name}`, r.ms, r.status, (r.body as { count?: number } | undefined)?.count ?? -1);
    });

  for (const [name, query] of Object.entries(unfiltered)) await count(name, query);
  for (const [name, query] of Object.entries(filtered)) await count(name, query);
  for (const [name, query] of Object.entries(unfiltered)) await list(name, query);
  for (const [name, query] of Object.entries(filtered)) await list(name, query);
  for (const [name, query] of Object.entries({ ...devices, ...devicesByPresence }))
    await list(name, query, 'devices', 'devices');

  const p99Of = (prefix: string, names: string[]) =>
    round(
      percentile(
        [...samples]
          .filter(([k]) => names.some((n) => k.startsWith(`${prefix} ${n} `) || k === `${prefix} ${n}`))
          .flatMap(([, v]) => v),
        99,
      ),
    );
  return {
    list_p99_ms: p99Of('list', Object.keys(unfiltered)),
    list_filtered_p99_ms: p99Of('list', Object.keys(filtered)),
    count_p99_ms: p99Of('count', Object.keys(unfiltered)),
    count_filtered_p99_ms: p99Of('count', Object.keys(filtered)),
    devices_list_p99_ms: p99Of('devices', Object.keys(devices)),
    devices_list_presence_p99_ms: p99Of('devices', Object.keys(devicesByPresence)),
    failed,
    shapes,
  };
}
