import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { sessionUpdatedSubject } from '@cobrowse/contracts';
import { progress, round, sleep } from '../stats';
import { BENCH_KEY, BENCH_TENANT } from '../workload';

export interface LongSessionResult {
  pages: number;
  /** From the last page's acceptance to the read model showing every page. */
  projection_ms: number;
  /** How it was seen: the `session-updated` snapshot (confirmed with GET when truncated), or GET polling. */
  seen_by: 'snapshot' | 'snapshot+get' | 'get' | 'never';
  /** Sending the pages, 100 per request, one request after another. */
  ingest_s: number;
  snapshot_bytes_max: number;
  get_bytes: number;
}

/**
 * One session with `pages` pages: created and activated, then its pages in batches of 100 as a
 * relay sends a busy session's backlog. Timed from the answer that accepted the last page to
 * the first moment the read model shows all of them: the projector's `session-updated` snapshot
 * with the last version (when it is marked truncated, a GET must then show every page), or a
 * GET every 500 ms, whichever comes first.
 */
export async function longSession(
  nc: NatsConnection,
  gatewayUrl: string,
  pages: number,
): Promise<LongSessionResult> {
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  const id = randomUUID();
  const deviceId = `long-device-${id.slice(0, 8)}`;
  let lastVersion = Number.POSITIVE_INFINITY;
  let acceptedAt = 0;
  let seenAt = 0;
  let seenBy: LongSessionResult['seen_by'] = 'never';
  let snapshotBytesMax = 0;
  let getBytes = 0;

  const fullyThere = async (): Promise<boolean> => {
    const r = await fetch(`${gatewayUrl}/v1/sessions/${id}`, { headers });
    const text = await r.text();
    if (r.status !== 200) return false;
    getBytes = text.length;
    const s = JSON.parse(text) as { version: number; pages: unknown[] };
    return s.version >= lastVersion && s.pages.length >= pages;
  };

  // The newest snapshot seen so far (it can come before the answer that accepted the last page).
  let newest: { version: number; at: number; complete: boolean; truncated: boolean } | undefined;
  const judge = () => {
    if (seenAt || !newest || newest.version < lastVersion) return;
    const { at } = newest;
    if (newest.complete) {
      seenAt = at;
      seenBy = 'snapshot';
    } else if (newest.truncated) {
      void fullyThere().then((ok) => {
        if (ok && !seenAt) {
          seenAt = at;
          seenBy = 'snapshot+get';
        }
      });
    }
  };
  const sub = nc.subscribe(sessionUpdatedSubject(BENCH_TENANT, id), {
    callback: (_err, m) => {
      const at = performance.now();
      snapshotBytesMax = Math.max(snapshotBytesMax, m.data.length);
      const s = JSON.parse(new TextDecoder().decode(m.data)) as {
        version: number;
        pages?: unknown[];
        truncated?: boolean;
      };
      if (newest && s.version <= newest.version) return;
      newest = {
        version: s.version,
        at,
        complete: !s.truncated && (s.pages?.length ?? 0) >= pages,
        truncated: !!s.truncated,
      };
      judge();
    },
  });
  await nc.flush();

  const post = async (events: unknown[]) => {
    const r = await fetch(`${gatewayUrl}/v1/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events }),
    });
    if (r.status !== 200) throw new Error(`long session batch answered ${r.status}`);
    const { results } = (await r.json()) as {
      results: Array<{ status: string; version?: number; error?: unknown }>;
    };
    const bad = results.find((x) => x.status !== 'accepted');
    if (bad) throw new Error(`long session event not accepted: ${JSON.stringify(bad)}`);
    return results;
  };
  const started = performance.now();
  await post([
    {
      type: 'session.created',
      session_id: id,
      data: {
        device_id: deviceId,
        custom_data: { customer_id: 'C-long' },
        tags: ['support'],
        start_url: 'https://shop.example/',
      },
    },
    { type: 'session.activated', session_id: id, data: { agent: { id: 'agent-1', name: 'Agent 1' } } },
  ]);
  for (let p = 0; p < pages; p += 100) {
    const events = Array.from({ length: Math.min(100, pages - p) }, (_, k) => ({
      type: 'session.page-entered',
      session_id: id,
      data: {
        url: `https://shop.example/catalogue/item/${p + k}?utm_source=newsletter&utm_medium=email`,
        title: `Item ${p + k} — Example Shop catalogue`,
        connection_id: `long-conn-${id.slice(0, 8)}`,
      },
    }));
    const results = await post(events);
    if (p + 100 >= pages) {
      acceptedAt = performance.now();
      lastVersion = results[results.length - 1].version ?? pages + 2;
      judge();
    }
  }
  const ingestSeconds = (acceptedAt - started) / 1000;
  progress(`  ${pages} pages accepted in ${round(ingestSeconds)} s; waiting for the read model`);
  const deadline = Date.now() + 300_000;
  while (!seenAt && Date.now() < deadline) {
    await sleep(500);
    if (!seenAt && (await fullyThere()) && !seenAt) {
      seenAt = performance.now();
      seenBy = 'get';
    }
  }
  sub.unsubscribe();
  return {
    pages,
    projection_ms: seenAt ? round(Math.max(0, seenAt - acceptedAt)) : -1,
    seen_by: seenBy,
    ingest_s: round(ingestSeconds),
    snapshot_bytes_max: snapshotBytesMax,
    get_bytes: getBytes,
  };
}
