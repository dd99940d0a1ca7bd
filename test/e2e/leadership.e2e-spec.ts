import { randomUUID } from 'node:crypto';
import { ApiClient, eventually, SseClient, TcpProxy, TEST_KEYS, TestSystem } from '@cobrowse/testing';

/**
 * Leadership of the stateful services (projector, tracker): one writer at a time, a frozen
 * leader that fences itself, and a SIGTERM that stops every service cleanly — with work in
 * flight and the database down.
 */
describe('leadership and shutdown', () => {
  let system: TestSystem;
  let api: ApiClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      replicas: { 'history-projector': 2, 'connection-tracker': 2 },
      env: { LOG_LEVEL: 'info' },
    });
    api = new ApiClient(system.gatewayUrl).as('ingest');
  });

  afterAll(async () => {
    for (const replicas of system?.services.values() ?? []) for (const p of replicas) p.resume();
    await system?.stop();
  });

  /** A whole session through the lifecycle; resolves with its id and the version it ends at. */
  const endedSession = async (pages: number) => {
    const id = randomUUID();
    expect((await api.post('/v1/sessions', { session_id: id, device_id: `dev-${id}` })).status).toBe(201);
    expect((await api.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a' } })).status).toBe(200);
    for (let i = 0; i < pages; i++)
      expect((await api.post(`/v1/sessions/${id}/pages`, { url: `https://a.test/${i}` })).status).toBe(200);
    const ended = await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' });
    expect(ended.status).toBe(200);
    return { id, version: ended.body.version as number };
  };

  // Reads are answered by any projector replica, a frozen one included: until it thaws, the
  // reads it is handed wait out their 10 s deadline (503), so this waits long enough for several.
  const projected = (id: string, version: number) =>
    eventually(async () => {
      const { status, body } = await api.as('read').get(`/v1/sessions/${id}`);
      expect([status, body.state, body.version]).toEqual([200, 'ended', version]);
      return body;
    }, 120_000);

  it('has exactly one leader per stateful service', async () => {
    await eventually(async () => {
      expect(system.leaders('history-projector')).toHaveLength(1);
      expect(system.leaders('connection-tracker')).toHaveLength(1);
    });
  });

  it('a frozen leader fences itself: the standby takes over, and the thawed one writes nothing', async () => {
    const [leader] = system.leaders('history-projector');
    const standby = leader === 1 ? 2 : 1;
    const frozen = system.services.get('history-projector')![leader - 1];
    frozen.pause();
    try {
      const sessions = await Promise.all(Array.from({ length: 5 }, () => endedSession(3)));
      for (const s of sessions) await projected(s.id, s.version);
    } finally {
      frozen.resume();
    }
    // Thawed, it finds its lease long gone and stops leading without another write.
    await eventually(async () => expect(system.leaders('history-projector')).toEqual([standby]));
    const stopped = system
      .logLines('history-projector', leader)
      .filter((l) => l.message?.msg === 'stopped leading')
      .at(-1);
    expect(stopped?.message.reason).toMatch(/lease not renewed in time|someone else holds the lease/);
    // The standby never lost the lease to it.
    expect(
      system.logLines('history-projector', standby).filter((l) => l.message?.msg === 'stopped leading'),
    ).toEqual([]);
    const after = await endedSession(2);
    await projected(after.id, after.version);
  }, 400_000);

  it('SIGTERM stops every service cleanly, with events in flight and the database down', async () => {
    const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream`, {
      authorization: `Bearer ${TEST_KEYS.read}`,
    });
    const before = await Promise.all(Array.from({ length: 3 }, () => endedSession(2)));
    await system.killDatabase();
    // Accepted into the log while the read models cannot be written: the leaders wait on them.
    const during = await Promise.all(Array.from({ length: 3 }, () => endedSession(2)));

    const exits: Record<string, { code: number | null; signal: string | null }> = {};
    for (const [service, replicas] of system.services)
      for (const [i, replica] of replicas.entries()) exits[`${service}-${i + 1}`] = await replica.terminate();
    stream.close();
    // Each re-raised SIGTERM after its hooks finished; none needed the forced exit (code 1).
    for (const [name, exit] of Object.entries(exits))
      expect([name, exit]).toEqual([name, { code: null, signal: 'SIGTERM' }]);
    for (const [service, replicas] of system.services)
      for (let r = 1; r <= replicas.length; r++)
        expect(
          system.logLines(service, r).some((l) => l.message?.msg?.startsWith?.('shutdown did not finish')),
        ).toBe(false);

    await system.startDatabase();
    for (const service of [...system.services.keys()]) {
      const count = system.services.get(service)!.length;
      system.services.set(service, []);
      for (let r = 0; r < count; r++) system.startReplica(service);
    }
    for (const s of [...before, ...during]) await projected(s.id, s.version);
  });
});

/**
 * A leader whose database path hangs (the driver waits forever, nothing fails) must not keep
 * the lease: it renews only while its database answers and its consumer settles messages.
 */
describe('a leader that makes no progress', () => {
  let system: TestSystem;
  let proxy: TcpProxy;
  let api: ApiClient;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { LOG_LEVEL: 'info', LEADERSHIP_STALL_MS: '3000' } });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    // The projector that leads reaches the database through a proxy that can hang; the standby does not.
    proxy = await TcpProxy.start(system.mongo.port);
    await system.kill('history-projector');
    system.startReplica('history-projector', {
      MONGODB_URL: system.mongo.url.replace(`:${system.mongo.port}`, `:${proxy.port}`),
    });
    await eventually(async () => expect(system.leaders('history-projector')).toEqual([1]));
    system.startReplica('history-projector');
  });

  afterAll(async () => {
    await proxy?.close();
    await system?.stop();
  });

  const session = async () => {
    const created = await api.post('/v1/sessions', { device_id: 'dev' });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const projected = (id: string) =>
    eventually(async () => expect((await api.as('read').get(`/v1/sessions/${id}`)).status).toBe(200), 60_000);

  it('steps down when its database stops answering, and the standby projects in its place', async () => {
    await projected(await session());
    proxy.stall();
    const during = await Promise.all(Array.from({ length: 5 }, () => session()));
    for (const id of during) await projected(id);
    expect(system.leaders('history-projector')).toEqual([2]);
    const stepDown = system
      .logLines('history-projector', 1)
      .find((l) => l.message?.msg === 'stopped leading');
    expect(stepDown?.message.reason).toMatch(/^no progress: (database|consumer)$/);
    // The driver soon knows no usable server, and 30 s later the stuck client is replaced.
    await eventually(
      async () =>
        expect(
          system
            .logLines('history-projector', 1)
            .some((l) => l.message?.msg?.startsWith?.('no answer from the database')),
        ).toBe(true),
      120_000,
    );
    proxy.restore();
  });
});
