import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, headers, type NatsConnection } from 'nats';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';
import { HostileRequests, type HostileRequest } from './hostile-requests';

/**
 * A seeded generator of hostile requests over every route of the OpenAPI document and
 * `cobrowse.ingest`: malformed JSON, wrong types, huge and deep values, control characters,
 * operator injection, oversized batches, tampered cursors, garbage Last-Event-ID, header
 * abuse. No answer may be a 5xx, every 4xx has the error shape, every process stays up and
 * a normal session still works afterwards. HOSTILE_REQUESTS sets the count (5,000 by
 * default) and HOSTILE_SEED replays a run; a failure names its seed and request.
 */
const COUNT = Number(process.env.HOSTILE_REQUESTS ?? 5_000);
const SEED = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = 8;
const STALL_MS = 60_000;

interface Outcome {
  status: number;
  body: unknown;
  ms: number;
}

describe('hostile input', () => {
  let system: TestSystem;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start();
    nc = await connect(system.natsAs('relay-acme'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  it(`answers ${COUNT} hostile requests with no 5xx, the error shape on every 4xx, and keeps working`, async () => {
    const docs = await new ApiClient(system.gatewayUrl).get('/docs-json');
    const generator = new HostileRequests(SEED, docs.body, await seedSessions(system));
    const failures: string[] = [];
    const started = Date.now();
    const counts = { requests: 0, http: 0, nats: 0, sse: 0, byClass: {} as Record<string, number> };
    let slowest = { ms: 0, what: '' };

    const run = async (request: HostileRequest) => {
      const outcome = await send(system, nc, request);
      counts.requests++;
      counts[request.kind]++;
      const statusClass = `${Math.floor(outcome.status / 100)}xx`;
      counts.byClass[statusClass] = (counts.byClass[statusClass] ?? 0) + 1;
      if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, what: request.describe };
      const problem = judge(outcome);
      if (problem) failures.push(`seed ${SEED} request #${request.index} ${request.describe}: ${problem}`);
      if (counts.requests % 500 === 0)
        process.stderr.write(
          `hostile input: ${counts.requests}/${COUNT} after ${Date.now() - started} ms, ${failures.length} failures, ` +
            `slowest ${slowest.ms} ms (${slowest.what.slice(0, 120)})\n`,
        );
    };

    const queue = Array.from({ length: COUNT }, (_, i) => generator.next(i));
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let request = queue.shift(); request; request = queue.shift()) {
          await run(request);
          if (request.index % 500 === 0)
            await expectAlive(system, failures, `after request #${request.index}`);
        }
      }),
    );

    process.stdout.write(
      `hostile input (seed ${SEED}): ${counts.requests} requests (${counts.http} HTTP, ${counts.sse} SSE, ` +
        `${counts.nats} cobrowse.ingest), answers ${JSON.stringify(counts.byClass)}, ` +
        `slowest ${slowest.ms} ms (${slowest.what}), ${failures.length} failures\n`,
    );
    await expectAlive(system, failures, 'at the end');
    expect(failures.slice(0, 20)).toEqual([]);
    await expectNormalSessionWorks(system);
  }, 1_200_000);
});

/** A few real sessions, so that ids and cursors in requests sometimes name something that exists. */
async function seedSessions(system: TestSystem): Promise<string[]> {
  const ingest = new ApiClient(system.gatewayUrl).as('ingest');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await ingest.post('/v1/sessions', {
      device_id: `fuzz-device-${i}`,
      custom_data: { tier: 'gold' },
    });
    ids.push(r.body.id);
  }
  return ids;
}

async function send(system: TestSystem, nc: NatsConnection, request: HostileRequest): Promise<Outcome> {
  const started = Date.now();
  if (request.kind === 'nats') {
    const h = headers();
    for (const [name, value] of Object.entries(request.headers)) h.set(name, value);
    try {
      const reply = await nc.request('cobrowse.ingest', request.body ?? '', {
        headers: h,
        timeout: STALL_MS,
      });
      const body = reply.json<{ statusCode?: number }>();
      return { status: body.statusCode ?? 200, body, ms: Date.now() - started };
    } catch (e) {
      return { status: 599, body: `no reply: ${(e as Error).message}`, ms: Date.now() - started };
    }
  }
  // A new connection per request (agent: false): a refused upload that closes its socket must
  // not take an unrelated request sharing it along.
  return new Promise<Outcome>((resolve) => {
    const done = (status: number, body: unknown) => {
      clearTimeout(timer);
      resolve({ status, body, ms: Date.now() - started });
    };
    const req = httpRequest(
      `${system.gatewayUrl}${request.path}`,
      {
        method: request.method,
        // Node's client sends a DELETE body without a length unless told it.
        headers:
          request.body === undefined
            ? request.headers
            : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: false,
      },
      (res) => {
        if (request.kind === 'sse' && res.statusCode === 200) {
          req.destroy();
          return done(200, null);
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done(599, `response failed: ${e.message}`));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : text;
          } catch {
            /* judged below: an error must be JSON */
          }
          done(res.statusCode ?? 0, body);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done(599, `no answer within ${STALL_MS} ms`);
    }, STALL_MS);
    // The server may answer (413, say) and close before the whole body is sent: that answer counts.
    req.on('error', (e) => done(599, `no answer: ${e.message}`));
    req.end(request.body);
  });
}

/** What is wrong with an answer, or null. */
function judge(outcome: Outcome): string | null {
  if (outcome.status >= 500)
    return `answered ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`;
  if (outcome.status < 400) return null;
  const body = outcome.body as Record<string, unknown>;
  const shaped =
    typeof body === 'object' &&
    body !== null &&
    body.statusCode === outcome.status &&
    typeof body.code === 'string' &&
    /^[A-Z_]+$/.test(body.code) &&
    typeof body.message === 'string' &&
    Array.isArray(body.details);
  return shaped ? null : `a ${outcome.status} without the error shape: ${JSON.stringify(body).slice(0, 300)}`;
}

async function expectAlive(system: TestSystem, failures: string[], when: string): Promise<void> {
  for (const [service, replicas] of system.services)
    for (const replica of replicas)
      if (!replica.isRunning) failures.push(`seed ${SEED}: ${service} exited ${when}`);
  const health = await new ApiClient(system.gatewayUrl).get('/health');
  if (health.status !== 200) failures.push(`seed ${SEED}: /health answered ${health.status} ${when}`);
}

/** create → activate → pages → deactivate → history, as a relay and an agent would. */
async function expectNormalSessionWorks(system: TestSystem): Promise<void> {
  const admin = new ApiClient(system.gatewayUrl).as('admin');
  await admin.request('PUT', '/v1/retention', {
    ended_session_ttl_seconds: 1_209_600,
    device_ttl_seconds: 2_592_000,
  });
  const created = await admin.post('/v1/sessions', { device_id: `after-fuzz-${randomUUID()}` });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const t0 = Date.now() - 60_000;
  expect(
    (await admin.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a' }, occurred_at: t0 })).status,
  ).toBe(200);
  expect(
    (await admin.post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/1', occurred_at: t0 + 1_000 }))
      .status,
  ).toBe(200);
  expect(
    (await admin.post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/2', occurred_at: t0 + 11_000 }))
      .status,
  ).toBe(200);
  expect((await admin.post(`/v1/sessions/${id}/deactivate`, { occurred_at: t0 + 18_000 })).status).toBe(200);
  const history = await eventually(async () => {
    const r = await new ApiClient(system.gatewayUrl).as('read').get(`/history/sessions/${id}`);
    expect(r.status).toBe(200);
    return r.body;
  }, 60_000);
  expect(history.pages.map((p: { duration: number }) => p.duration)).toEqual([10, 7]);
}
