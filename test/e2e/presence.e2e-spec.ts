import { sleep } from '@cobrowse/resilience';
import { randomUUID } from 'node:crypto';
import { MongoClient, type Binary } from 'mongodb';
import { connect, type NatsConnection } from 'nats';
import { unpackJson } from '@cobrowse/persistence';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';

const TIMEOUT_MS = 2_000;
const BEAT_EVERY_MS = TIMEOUT_MS / 4;

/**
 * Heartbeats that change nothing but "seen now" are kept as presence by the tracker's leader,
 * not logged (SPEC section 7), with two tracker replicas; driven as a relay would.
 */
describe('presence', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;
  let mongo: MongoClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { SESSION_INACTIVITY_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: 'info' },
      replicas: { 'connection-tracker': 2 },
    });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    nc = await connect(system.natsAs('services'));
    mongo = await MongoClient.connect(system.mongo.url);
  });

  afterAll(async () => {
    await nc?.close();
    await mongo?.close();
    await system?.stop();
  });

  const device = async (id: string) => (await api.as('read').get(`/v1/devices/${id}`)).body;
  const onlineIds = async () =>
    ((await api.as('read').get('/v1/devices?online=true&limit=1000')).body.data as Array<{ id: string }>).map(
      (d) => d.id,
    );
  const storedPresence = async () =>
    (await mongo.db().collection<{ entries_z?: Binary }>('presence_shards').find().toArray())
      .flatMap((shard) => (shard.entries_z ? unpackJson<Array<{ device_id: string }>>(shard.entries_z) : []))
      .map((entry) => entry.device_id);
  const facts = async (deviceId: string) =>
    (await readEventLog(nc, `cobrowse.acme.device.${deviceId}.*`)).map((f) => f.envelope);
  const beats = (deviceId: string, fields: Record<string, unknown> = {}, eventId: string = randomUUID()) =>
    api.post('/v1/events', {
      events: [
        {
          event_id: eventId,
          type: 'connection.heartbeat',
          data: { device_id: deviceId, connection_id: 'tab-1', ...fields },
        },
      ],
    });
  /** Opens a connection and waits until the tracker has applied it (beats are judged against it). */
  const open = async (deviceId: string) => {
    const opened = await api.post(`/v1/devices/${deviceId}/connections`, {
      connection_id: 'tab-1',
      current_url: 'https://shop.test/',
      has_focus: true,
    });
    expect(opened.status).toBe(201);
    await eventually(async () => expect((await device(deviceId)).connections).toHaveLength(1));
  };
  const leader = async () => {
    let leading: number[] = [];
    await eventually(async () => {
      leading = system.leaders('connection-tracker');
      expect(leading).toHaveLength(1);
    });
    return leading[0];
  };

  it('keeps a heartbeat that changes nothing out of the log, and logs a new URL or focus', async () => {
    const deviceId = `quiet-${randomUUID()}`;
    await open(deviceId);
    const before = await facts(deviceId);
    expect(before.map((f) => f.type)).toEqual(['connection.opened']);

    for (let i = 0; i < 5; i++) {
      const r = await beats(deviceId, i % 2 ? { current_url: 'https://shop.test/', has_focus: true } : {});
      expect(r.body.results[0]).toMatchObject({ status: 'accepted' });
    }
    const rest = await api.post(`/v1/devices/${deviceId}/connections/tab-1/heartbeat`, {});
    expect(rest.status).toBe(200);
    const repeated = await beats(deviceId, {}, 'beat-once');
    expect((await beats(deviceId, {}, 'beat-once')).body.results[0].status).toBe('duplicate');
    expect(repeated.body.results[0].status).toBe('accepted');
    expect(await facts(deviceId)).toEqual(before);

    expect((await beats(deviceId, { current_url: 'https://shop.test/cart' })).body.results[0].status).toBe(
      'accepted',
    );
    await eventually(async () => expect((await device(deviceId)).last_url).toBe('https://shop.test/cart'));
    expect((await beats(deviceId, { has_focus: false })).body.results[0].status).toBe('accepted');
    const logged = await facts(deviceId);
    expect(logged.map((f) => [f.type, f.data.current_url ?? null, f.data.has_focus ?? null])).toEqual([
      ['connection.opened', 'https://shop.test/', true],
      ['connection.heartbeat', 'https://shop.test/cart', null],
      ['connection.heartbeat', null, false],
    ]);
    await eventually(async () => expect((await device(deviceId)).connections[0].has_focus).toBe(false));
  });

  it('keeps a device online while it beats, on every replica, and offline a timeout after it stops', async () => {
    const deviceId = `beating-${randomUUID()}`;
    await open(deviceId);
    const openedSeen = Date.parse((await device(deviceId)).last_seen_at);
    let lastBeat = 0;
    for (let i = 0; i < 12; i++) {
      lastBeat = Date.now();
      expect((await beats(deviceId)).body.results[0].status).toBe('accepted');
      await sleep(BEAT_EVERY_MS);
      // Reads go to either tracker replica (a queue group): both show the leader's presence.
      expect(await device(deviceId)).toMatchObject({ is_online: true });
      if (i % 4 === 3) expect(await onlineIds()).toContain(deviceId);
      // What a next leader takes over: the leader stores the presence it keeps.
      if (i === 6) await eventually(async () => expect(await storedPresence()).toContain(deviceId));
    }
    const shown = await device(deviceId);
    expect(Date.parse(shown.last_seen_at)).toBeGreaterThan(openedSeen + 4 * BEAT_EVERY_MS);
    expect((await facts(deviceId)).map((f) => f.type)).toEqual(['connection.opened']);

    await eventually(async () => expect((await device(deviceId)).is_online).toBe(false));
    expect(Date.now() - lastBeat).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(await onlineIds()).not.toContain(deviceId);
  });

  it('keeps a session and its device alive while it beats, across a leader change, and times it out once it stops', async () => {
    const deviceId = `session-${randomUUID()}`;
    const sessionId = (await api.post('/v1/sessions', { device_id: deviceId })).body.id as string;
    await open(deviceId);
    await eventually(async () => expect((await device(deviceId)).current_session_id).toBe(sessionId));
    const state = async () => (await api.as('read').get(`/v1/sessions/${sessionId}`)).body.state;

    const old = await leader();
    let lastAccepted = 0;
    const beatFor = async (ms: number) => {
      for (const until = Date.now() + ms; Date.now() < until; await sleep(BEAT_EVERY_MS)) {
        const sentAt = Date.now();
        const r = await beats(deviceId);
        // A beat no leader could answer in time is refused (the relay retries): never lost.
        if (r.body.results[0].status === 'accepted') lastAccepted = sentAt;
        else expect(r.body.results[0].error.code).toBe('SERVICE_UNAVAILABLE');
        // Online throughout, the takeover included (the new leader's grace, the stored shards).
        expect((await device(deviceId)).is_online).toBe(true);
      }
    };
    await beatFor(2 * TIMEOUT_MS);
    expect(await state()).toBe('pending');

    await system.killReplica('connection-tracker', old);
    await beatFor(8_000); // the lease runs out (5 s) and the other replica takes over meanwhile
    expect(system.leaders('connection-tracker')).toContain(old === 1 ? 2 : 1);
    await beatFor(2 * TIMEOUT_MS);
    expect(await state()).toBe('pending');
    system.restartReplica('connection-tracker', old);

    await eventually(async () => expect(await state()).toBe('ended'), 30_000);
    const [end] = (await readEventLog(nc, `cobrowse.acme.session.${sessionId}.deactivated`)).map(
      (e) => e.envelope,
    );
    expect(end.data.reason).toBe('timeout');
    expect(end.recorded_at).toBeGreaterThanOrEqual(lastAccepted + TIMEOUT_MS);
  }, 120_000);
});
