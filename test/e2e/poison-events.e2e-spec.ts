import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { repoRoot } from '@cobrowse/local-runtime';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

const run = promisify(execFile);

/**
 * Poison in the log (anything on a log subject that cannot be applied) is parked with its reason after a bounded number of attempts, and never holds back
 * other sessions or tenants; parked events are counted in /health, listed and replayed by
 * `npm run dead-letters`.
 */
describe('poison events', () => {
  let system: TestSystem;
  let nc: NatsConnection;
  let js: JetStreamClient;

  beforeAll(async () => {
    system = await TestSystem.start();
    nc = await connect(system.natsAs('services'));
    js = nc.jetstream();
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const envelope = (tenant: string, sessionId: string, version: number, type: string, data: object) => ({
    event_id: randomUUID(),
    type,
    tenant,
    session_id: sessionId,
    occurred_at: Date.now(),
    recorded_at: Date.now(),
    version,
    data,
  });

  const deadLetters = async (...args: string[]) =>
    (
      await run(process.execPath, [join(repoRoot(), 'dist/deploy/local/dead-letters.js'), ...args], {
        env: { ...process.env, ...system.env },
      }).catch((e: { stdout: string }) => ({ stdout: e.stdout }))
    ).stdout;

  const parkedCounts = async () => {
    const health = await new ApiClient(system.gatewayUrl).get('/health');
    const counts: Record<string, number> = {};
    for (const service of Object.values(health.body.services ?? {}) as Array<{
      consumers?: Array<{ consumer: string; parked: number }>;
    }>)
      for (const c of service.consumers ?? []) counts[c.consumer] = c.parked;
    return counts;
  };

  it('parks poison of both kinds under load and projects every other session of every tenant', async () => {
    const acme = new ApiClient(system.gatewayUrl).as('ingest');
    const globex = new ApiClient(system.gatewayUrl).as('otherTenantAdmin');
    const poisonedSession = randomUUID();
    const refused = Array.from({ length: 50 }, () => randomUUID());
    const created: Array<{ api: ApiClient; id: string }> = [];

    const load = (async () => {
      for (let i = 0; i < 60; i++) {
        const api = i % 2 ? globex : acme;
        const r = await api.post('/v1/sessions', { device_id: `load-${i}`, custom_data: { n: i } });
        expect(r.status).toBe(201);
        created.push({ api, id: r.body.id });
        if (i === 10) {
          // Not an event at all, on a log subject.
          await js.publish(`cobrowse.acme.session.${poisonedSession}.created`, 'not json');
        }
        if (i >= 5 && i < 55) {
          // Well-formed events with a custom data key the gateway would refuse (NUL), which
          // FerretDB refuses as a field name: the read models keep sessions and devices as
          // packed JSON, so these are applied like any other.
          const id = refused[i - 5];
          await js.publish(
            `cobrowse.acme.session.${id}.created`,
            JSON.stringify(
              envelope('acme', id, 1, 'session.created', {
                device_id: `poison-device-${i}`,
                token: '123456789',
                custom_data: { 'a\u0000b': 'x' },
              }),
            ),
          );
        }
      }
    })();
    await load;

    await eventually(async () => {
      for (const { api, id } of created) {
        const key = api === acme ? 'read' : 'otherTenantAdmin';
        expect([
          id,
          (await new ApiClient(system.gatewayUrl).as(key).get(`/v1/sessions/${id}`)).status,
        ]).toEqual([id, 200]);
      }
    }, 120_000);

    const counts = await eventually(async () => {
      const c = await parkedCounts();
      expect(c['history-projector']).toBe(1);
      expect(c['connection-tracker']).toBe(1);
      return c;
    }, 60_000);
    process.stdout.write(`parked after the poison: ${JSON.stringify(counts)}\n`);

    const listed = await deadLetters('list', '--consumer', 'history-projector');
    expect(listed).toContain(`cobrowse.acme.session.${poisonedSession}.created`);
    expect(listed).toContain('not JSON');
    expect(await deadLetters('list', '--consumer', 'connection-tracker')).toContain(
      `cobrowse.acme.session.${poisonedSession}.created`,
    );
    const read = new ApiClient(system.gatewayUrl).as('read');
    await eventually(async () => {
      for (const [i, id] of refused.entries()) {
        expect((await read.get(`/v1/sessions/${id}`)).body.custom_data).toEqual({ 'a\u0000b': 'x' });
        const device = await read.get(`/v1/devices/poison-device-${i + 5}`);
        expect(device.body.custom_data).toEqual({ 'a\u0000b': 'x' });
      }
    });
  });

  it('replays a parked event once its cause is gone, and keeps one that still fails', async () => {
    const sessionId = randomUUID();
    // An activation before its session exists cannot be applied: it is parked.
    await js.publish(
      `cobrowse.acme.session.${sessionId}.activated`,
      JSON.stringify(envelope('acme', sessionId, 2, 'session.activated', { agent: { id: 'agent-1' } })),
    );
    await eventually(async () =>
      expect(await deadLetters('list', '--consumer', 'history-projector')).toContain(
        `cobrowse.acme.session.${sessionId}.activated`,
      ),
    );
    // The cause goes away: the creation arrives.
    await js.publish(
      `cobrowse.acme.session.${sessionId}.created`,
      JSON.stringify(
        envelope('acme', sessionId, 1, 'session.created', { device_id: 'late', token: '987654321' }),
      ),
    );
    const read = new ApiClient(system.gatewayUrl).as('read');
    await eventually(async () =>
      expect((await read.get(`/v1/sessions/${sessionId}`)).body.state).toBe('pending'),
    );
    const before = (await parkedCounts())['history-projector'];

    const output = await deadLetters('replay', '--consumer', 'history-projector');
    expect(output).toMatch(/history-projector: replayed/);
    expect(output).toMatch(/history-projector: still-failing/);
    expect((await read.get(`/v1/sessions/${sessionId}`)).body).toMatchObject({ state: 'active', version: 2 });
    expect((await parkedCounts())['history-projector']).toBe(before - 1);
    expect(await deadLetters('list', '--consumer', 'history-projector')).not.toContain(
      `cobrowse.acme.session.${sessionId}.activated`,
    );
  });
});
