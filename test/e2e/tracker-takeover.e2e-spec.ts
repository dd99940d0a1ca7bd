import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

/**
 * What a connection-tracker replica can find when it takes the lead, and must not lose a
 * session's end to: a deadline the previous leader wrote after this one loaded its schedule
 * (nothing fences a write already under way), facts the previous leader held unacked when it
 * died, and a database that does not answer yet.
 */
describe('connection tracker takeover', () => {
  let system: TestSystem;
  let api: ApiClient;
  let mongo: MongoClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      replicas: { 'connection-tracker': 2 },
      // Long enough that no session times out here, and no leader steps down over the outage.
      env: { LOG_LEVEL: 'info', LEADERSHIP_STALL_MS: '120000' },
    });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    mongo = await MongoClient.connect(system.mongo.url);
  });

  afterAll(async () => {
    await mongo?.close();
    await system?.stop();
  });

  const deadlines = () => mongo.db().collection<{ _id: string }>('session_deadlines');
  const device = async (id: string) => (await api.as('read').get(`/v1/devices/${id}`)).body;
  const inSession = async (deviceId: string) => {
    const id = randomUUID();
    expect((await api.post('/v1/sessions', { session_id: id, device_id: deviceId })).status).toBe(201);
    await eventually(async () =>
      expect(await device(deviceId)).toMatchObject({ is_in_session: true, current_session_id: id }),
    );
    return id;
  };
  const leader = async () => {
    let leading: number[] = [];
    await eventually(async () => {
      leading = system.leaders('connection-tracker');
      expect(leading).toHaveLength(1);
    });
    return leading[0];
  };
  /** Kills the leader and waits until the other replica leads and consumes. */
  const takeOver = async () => {
    const old = await leader();
    await system.killReplica('connection-tracker', old);
    const next = old === 1 ? 2 : 1;
    // (The killed replica's log still ends with its `leading`.)
    await eventually(async () => expect(system.leaders('connection-tracker')).toContain(next), 60_000);
    return { old, next };
  };
  const ready = (replica: number) =>
    eventually(async () =>
      expect((await fetch(`${system.probeUrl('connection-tracker', replica)}/readyz`)).status).toBe(200),
    );
  const consuming = (replica: number) =>
    system.logLines('connection-tracker', replica).filter((l) => l.message?.msg === 'consuming').length;

  it('ends the session on its device when its deadline was written after the new leader loaded', async () => {
    const deviceId = `late-${randomUUID()}`;
    const id = await inSession(deviceId);
    const written = await deadlines().findOne({ _id: `acme/${id}` });
    expect(written).not.toBeNull();
    // The new leader loads a schedule without it; the old leader's write lands just after.
    await deadlines().deleteOne({ _id: `acme/${id}` });
    const { old, next } = await takeOver();
    await eventually(async () => expect(consuming(next)).toBeGreaterThan(0));
    await deadlines().insertOne(written!);
    system.restartReplica('connection-tracker', old);

    expect((await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' })).status).toBe(200);
    await eventually(async () =>
      expect(await device(deviceId)).toMatchObject({ is_in_session: false, current_session_id: null }),
    );
    expect(await deadlines().findOne({ _id: `acme/${id}` })).toBeNull();
  }, 180_000);

  it('applies the facts a killed leader held before the facts logged after them', async () => {
    const deviceId = `held-${randomUUID()}`;
    const id = await inSession(deviceId);
    expect((await api.post(`/v1/devices/${deviceId}/connections`, { connection_id: 'tab-1' })).status).toBe(
      201,
    );
    await eventually(async () =>
      expect((await device(deviceId)).connections).toEqual([expect.objectContaining({ status: 'active' })]),
    );
    const nc = await connect(system.natsAs('services'));
    const trackerConsumer = async () =>
      (await nc.jetstreamManager()).consumers.info('COBROWSE_EVENTS', 'connection-tracker');
    try {
      // The leader freezes with a pull open: the session's end is delivered to it and never acked.
      const old = await leader();
      system.services.get('connection-tracker')![old - 1].pause();
      expect((await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' })).status).toBe(200);
      await eventually(async () => expect((await trackerConsumer()).num_ack_pending).toBeGreaterThan(0));
      await system.killReplica('connection-tracker', old);
      const next = old === 1 ? 2 : 1;
      await eventually(async () => expect(system.leaders('connection-tracker')).toContain(next), 60_000);
      // Once the dead leader's pulls are gone, a later fact of the same device: the new leader
      // is offered it while the end is still held (until the end's ack wait passes).
      await eventually(async () => expect((await trackerConsumer()).num_waiting).toBeLessThanOrEqual(1));
      expect((await api.request('DELETE', `/v1/devices/${deviceId}/connections/tab-1`, {})).status).toBe(200);
      system.restartReplica('connection-tracker', old);
      await eventually(
        async () =>
          expect(await device(deviceId)).toMatchObject({
            is_in_session: false,
            current_session_id: null,
            connections: [expect.objectContaining({ unique_connection_id: 'tab-1', status: 'disconnected' })],
          }),
        60_000,
      );
      await eventually(async () => expect((await trackerConsumer()).num_ack_pending).toBe(0));
    } finally {
      await nc.close();
    }
  }, 180_000);

  it('consumes once the database answers, when it took the lead while the database was down', async () => {
    const deviceId = `outage-${randomUUID()}`;
    const id = await inSession(deviceId);
    const old = await leader();
    const next = old === 1 ? 2 : 1;
    await ready(next);
    const startsBefore = consuming(next);
    await system.killDatabase();
    try {
      await takeOver();
      // It could not load its schedule: the database refused it.
      await eventually(async () =>
        expect(
          system
            .logLines('connection-tracker', next)
            .some((l) => /could not start consuming|leadership listener failed/.test(l.message?.msg ?? '')),
        ).toBe(true),
      );
    } finally {
      await system.startDatabase();
    }
    system.restartReplica('connection-tracker', old);
    expect((await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' })).status).toBe(200);
    await eventually(
      async () =>
        expect(await device(deviceId)).toMatchObject({ is_in_session: false, current_session_id: null }),
      60_000,
    );
    expect(consuming(next)).toBeGreaterThan(startsBefore);
  }, 240_000);
});
