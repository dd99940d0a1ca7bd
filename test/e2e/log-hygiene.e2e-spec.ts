import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, headers, type NatsConnection } from 'nats';
import { INGEST_SUBJECT } from '@cobrowse/contracts';
import { ApiClient, eventually, TEST_KEYS, TestSystem } from '@cobrowse/testing';

/**
 * SPEC section 8: no API key, metadata or custom-data key or value, or client IP address in any
 * log line. Recognisable values are planted in every field a client controls, through every
 * path (HTTP, cobrowse.ingest, the log itself with poison the database refuses), with the
 * services at their most verbose; then every service log is searched for them.
 */
describe('logs without secrets or data', () => {
  let system: TestSystem;
  let services: NatsConnection;
  let relay: NatsConnection;
  const P = `planted${randomUUID().slice(0, 6)}`;
  const CLIENT_IP = '203.0.113.77';
  const BAD_KEY = `${P}-not-a-key-000000000000`;
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** A token of an issuer nobody trusts: refused, and its parts must appear in no log. */
  const BAD_TOKEN = `${part({ alg: 'RS256', kid: `${P}kid` })}.${part({ iss: `${P}iss`, sub: `${P}sub` })}.${P}sig`;
  const planted = [
    `${P}mk`,
    `${P}mv`,
    `${P}ck`,
    `${P}cv`,
    `${P}dk`,
    `${P}dv`,
    BAD_KEY,
    `${P}kid`,
    `${P}iss`,
    `${P}sub`,
    `${P}sig`,
    BAD_TOKEN.split('.')[0],
    BAD_TOKEN.split('.')[1],
    CLIENT_IP,
    ...Object.values(TEST_KEYS),
  ];

  beforeAll(async () => {
    system = await TestSystem.start({ env: { LOG_LEVEL: 'verbose' } });
    services = await connect(system.natsAs('services'));
    relay = await connect(system.natsAs('relay-acme'));
  });

  afterAll(async () => {
    await relay?.close();
    await services?.close();
    await system?.stop();
  });

  it('plants values everywhere and finds none of them in any log', async () => {
    const http = (key: string) => new ApiClient(system.gatewayUrl).withAuthorization(`Bearer ${key}`);
    const ip = { 'x-forwarded-for': CLIENT_IP, 'x-real-ip': CLIENT_IP };
    const ingest = http(TEST_KEYS.ingest);

    const created = await ingest.post(
      '/v1/sessions',
      { device_id: `${P}device`, custom_data: { [`${P}ck`]: `${P}cv` } },
      ip,
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const metadata = {
      type: 'session.metadata-updated',
      session_id: id,
      data: { metadata: { [`${P}mk`]: `${P}mv` }, custom_data: { [`${P}ck`]: `${P}cv` } },
    };
    expect((await ingest.post('/v1/events', { events: [metadata] }, ip)).status).toBe(200);
    // Refused input quoting the planted values: bad keys, bad shapes, a bad API key.
    const badBatch = await ingest.post(
      '/v1/events',
      { events: [{ ...metadata, data: { metadata: { [`$${P}mk`]: `${P}mv` } } }] },
      ip,
    );
    expect(badBatch.body.results[0].status).toBe('rejected');
    const refused = [
      await ingest.post(`/v1/sessions/${id}/pages`, { url: `${P}mv`, [`${P}mk`]: `${P}mv` }, ip),
      await http(BAD_KEY).get(`/v1/sessions/${id}`, ip),
      await http(BAD_TOKEN).get(`/v1/sessions/${id}`, ip),
      await http(TEST_KEYS.read).post('/v1/sessions', { device_id: 'x' }, ip),
    ];
    expect(refused.map((r) => r.status >= 400 && r.status < 500)).toEqual(refused.map(() => true));
    // The read models follow the log: the reads wait for the projection.
    await eventually(async () =>
      expect((await http(TEST_KEYS.read).get(`/v1/sessions/${id}`, ip)).status).toBe(200),
    );
    expect((await http(TEST_KEYS.read).get('/v1/sessions/export.csv', ip)).status).toBe(200);
    await eventually(async () =>
      expect((await http(TEST_KEYS.admin).get(`/v1/devices/${P}device`, ip)).status).toBe(200),
    );

    // cobrowse.ingest with a bad key and with a good one.
    for (const key of [BAD_KEY, TEST_KEYS.ingest]) {
      const h = headers();
      h.set('Authorization', `Bearer ${key}`);
      await relay.request(INGEST_SUBJECT, JSON.stringify({ events: [metadata] }), {
        headers: h,
        timeout: 10_000,
      });
    }
    // Poison straight into the log: a fact the database refuses (a key it will not store), and not-JSON.
    const js = services.jetstream();
    await js.publish(
      `cobrowse.acme.device.${P}dev.connection-opened`,
      JSON.stringify({
        event_id: randomUUID(),
        type: 'connection.opened',
        tenant: 'acme',
        device_id: `${P}dev`,
        occurred_at: Date.now(),
        recorded_at: Date.now(),
        data: { device_id: `${P}dev`, connection_id: 'c', [`$${P}dk`]: { [`${P}dk.x`]: `${P}dv` } },
      }),
    );
    await js.publish(`cobrowse.acme.session.${randomUUID()}.created`, `${P}mv not json ${P}dv`);
    const refusedId = randomUUID();
    await js.publish(
      `cobrowse.acme.session.${refusedId}.created`,
      JSON.stringify({
        event_id: randomUUID(),
        type: 'session.created',
        tenant: 'acme',
        session_id: refusedId,
        occurred_at: Date.now(),
        recorded_at: Date.now(),
        version: 1,
        data: {
          device_id: `${P}dev2`,
          token: '123456789',
          custom_data: { [`$${P}dk`]: `${P}dv`, [`a.${P}dk`]: `${P}dv` },
        },
      }),
    );

    // Everything above has been applied or parked before the logs are read.
    await eventually(async () => {
      const health = (await new ApiClient(system.gatewayUrl).get('/health')).body;
      for (const service of ['history-projector', 'connection-tracker']) {
        const consumers: Array<{ ack_floor: number; last_seq: number }> =
          health.services?.[service]?.consumers ?? [];
        // No consumer reported is not "all caught up".
        expect(consumers.length).toBeGreaterThan(0);
        for (const c of consumers) expect(c.ack_floor).toBe(c.last_seq);
      }
    }, 60_000);

    const found: string[] = [];
    const files = readdirSync(system.dir).filter((f) =>
      /^(gateway|session-lifecycle|history-projector|connection-tracker)-\d+\.log$/.test(f),
    );
    // A log of each service was read (a renamed file must not leave this with nothing to check).
    expect(new Set(files.map((f) => f.replace(/-\d+\.log$/, '')))).toEqual(
      new Set(['gateway', 'session-lifecycle', 'history-projector', 'connection-tracker']),
    );
    for (const file of files)
      readFileSync(join(system.dir, file), 'utf8')
        .split('\n')
        .forEach((line, n) => {
          for (const value of planted)
            if (line.includes(value)) found.push(`${file}:${n + 1} has ${value}: ${line.slice(0, 300)}`);
        });
    expect(found).toEqual([]);
  });
});
