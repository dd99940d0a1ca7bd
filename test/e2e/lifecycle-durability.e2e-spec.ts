import { sleep } from '@cobrowse/resilience';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';

/** The event log under concurrency, late retries and crashes, with two lifecycle replicas. */
describe('session-lifecycle durability', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start({
      replicas: { 'session-lifecycle': 2 },
      env: { EVENTS_DUPLICATE_WINDOW_MS: '1000' },
    });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    nc = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const newSession = async () => (await api.post('/v1/sessions', { device_id: 'dev' })).body.id as string;
  const versionsInLog = async (id: string) =>
    (await readEventLog(nc, `cobrowse.acme.session.${id}.*`)).map((e) => e.envelope.version as number);

  it('lets concurrent appends to one session through both replicas without gaps or doubles', async () => {
    const id = await newSession();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api.post(`/v1/sessions/${id}/pages`, { url: `https://a.test/${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
    const versions = responses.map((r) => r.body.version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect(await versionsInLog(id)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('lets exactly one of many concurrent conflicting transitions win', async () => {
    const id = await newSession();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.post(`/v1/sessions/${id}/activate`, { agent: { id: `agent-${i}` } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'INVALID_TRANSITION')).toBe(
      true,
    );
    expect(await versionsInLog(id)).toEqual([1, 2]);
  });

  it('answers an event_id retried after the duplicate window, and after a restart, as a duplicate', async () => {
    const id = await newSession();
    const body = { event_id: 'late-retry', url: 'https://a.test/late' };
    const first = await api.post(`/v1/sessions/${id}/pages`, body);
    expect(first.status).toBe(200);

    await sleep(1_500); // past the 1 s JetStream duplicate window
    await system.restart('session-lifecycle'); // and no in-memory cache survives

    const retry = await api.post(`/v1/sessions/${id}/pages`, body);
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(first.body.version);
    expect(retry.body.pages).toHaveLength(1);
    expect(await versionsInLog(id)).toEqual([1, 2]);
  });

  it('answers a connection fact retried after the duplicate window, and after a gateway restart, as a duplicate', async () => {
    const device = `late-device-${randomUUID()}`;
    const fact = { event_id: 'late-heartbeat', current_url: 'https://a.test/late' };
    const path = `/v1/devices/${device}/connections/tab-1/heartbeat`;
    const first = await api.post(path, fact);
    expect(first.body).toMatchObject({ status: 'accepted' });

    await sleep(1_500); // past the 1 s JetStream duplicate window
    await system.restart('gateway');

    expect((await api.post(path, fact)).body).toMatchObject({ status: 'duplicate' });
    const batch = await api.post('/v1/events', {
      events: [
        {
          event_id: 'late-heartbeat',
          type: 'connection.heartbeat',
          data: { device_id: device, connection_id: 'tab-1' },
        },
      ],
    });
    expect(batch.body.results[0]).toMatchObject({ status: 'duplicate' });
    expect(await readEventLog(nc, `cobrowse.acme.device.${device}.*`)).toHaveLength(1);
  });

  it('loses no acknowledged event when session-lifecycle is killed mid-stream', async () => {
    const sessions = await Promise.all(Array.from({ length: 8 }, () => newSession()));
    const acknowledged = new Set<string>();
    let running = true;
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const eventId = `w${w}-${i}-${randomUUID().slice(0, 8)}`;
        const sessionId = sessions[(w + i) % sessions.length];
        const r = await api
          .post(`/v1/sessions/${sessionId}/pages`, { event_id: eventId, url: `https://a.test/${eventId}` })
          .catch(() => null);
        if (r?.status === 200) acknowledged.add(eventId);
      }
    };
    const workers = Array.from({ length: 6 }, (_, w) => worker(w));

    await eventually(async () => expect(acknowledged.size).toBeGreaterThanOrEqual(60));
    await system.kill('session-lifecycle');
    system.startReplica('session-lifecycle');
    const beforeRestart = acknowledged.size;
    await eventually(
      async () => expect(acknowledged.size).toBeGreaterThanOrEqual(beforeRestart + 60),
      60_000,
    );
    running = false;
    await Promise.all(workers);

    const logged = await readEventLog(nc, 'cobrowse.acme.session.*.page-entered');
    const loggedIds = logged.map((e) => e.envelope.event_id as string);
    const counts = new Map<string, number>();
    for (const id of loggedIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of acknowledged) expect(counts.get(id)).toBe(1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    for (const sessionId of sessions) {
      const versions = await versionsInLog(sessionId);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      await eventually(async () => {
        const { body } = await api.as('read').get(`/v1/sessions/${sessionId}`);
        expect(body.version).toBe(versions.length);
        expect(body.pages).toHaveLength(versions.length - 1);
      });
    }
  });

  /** As a relay does: the same request until the answer is definite (not a 503). */
  const untilDefinite = async (send: () => Promise<{ status: number; body: any }>) =>
    eventually(async () => {
      const r = await send();
      expect(r.status).not.toBe(503);
      return r;
    }, 60_000);

  it('never answers from a cached "no such session": facts sent before the creation do not stick', async () => {
    const id = randomUUID();
    for (let i = 0; i < 10; i++) {
      const early = await api.post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/early' });
      expect(early.body.code).toBe('SESSION_NOT_FOUND');
    }
    expect((await api.post('/v1/sessions', { session_id: id, device_id: 'dev' })).status).toBe(201);
    const later = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.post(`/v1/sessions/${id}/pages`, { url: `https://a.test/${i}` }),
      ),
    );
    expect(later.map((r) => r.status)).toEqual(Array(20).fill(200));
  });

  it('still finds every session after a NATS restart, on both replicas', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => newSession()));
    await system.restartNats();
    for (const id of ids)
      for (let i = 0; i < 4; i++) {
        const r = await untilDefinite(() =>
          api.post(`/v1/sessions/${id}/pages`, { url: `https://a.test/${i}` }),
        );
        expect([id, r.status]).toEqual([id, 200]);
      }
    // This test's own connection reconnects at its own pace: read once it is back.
    for (const id of ids) expect(await eventually(() => versionsInLog(id))).toEqual([1, 2, 3, 4, 5]);
  });
});
