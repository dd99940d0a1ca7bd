import { sleep } from '@cobrowse/resilience';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';

/** Resources without the fields that move with the clock while a session is open. */
function stable(session: Record<string, any>): Record<string, any> {
  const { length_seconds: _l, formatted_length: _f, pages, ...rest } = session;
  return { ...rest, pages: pages.map(({ duration_seconds: _d, ...p }: Record<string, unknown>) => p) };
}

/** The history projector under crashes, poison events and rebuilds. */
describe('history projection durability', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start({ replicas: { 'history-projector': 2 } });
    api = new ApiClient(system.gatewayUrl);
    nc = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const allSessions = async () => {
    const { body } = await api.as('read').get('/v1/sessions?limit=1000');
    return (body.data as Array<Record<string, any>>).map(stable).sort((a, b) => a.id.localeCompare(b.id));
  };

  it('converges to the same read model, with no duplicate pages, when projectors are killed mid-stream', async () => {
    const ingest = api.as('ingest');
    const sessions: string[] = [];
    for (let i = 0; i < 10; i++)
      sessions.push((await ingest.post('/v1/sessions', { device_id: `crash-${i}` })).body.id);

    let running = true;
    const writer = (async () => {
      for (let n = 0; running; n++) {
        const events = sessions.map((id, i) => ({
          type: 'session.page-entered',
          session_id: id,
          data: { url: `https://a.test/${n}/${i}` },
        }));
        await ingest.post('/v1/events', { events });
      }
    })();

    for (let round = 0; round < 3; round++) {
      await sleep(700);
      await system.kill('history-projector');
      await sleep(300);
      system.startReplica('history-projector');
      system.startReplica('history-projector');
    }
    running = false;
    await writer;

    for (const id of sessions) {
      const logged = await readEventLog(nc, `cobrowse.acme.session.${id}.*`);
      const pagesInLog = logged
        .filter((e) => e.envelope.type === 'session.page-entered')
        .map((e) => e.envelope.data.url);
      await eventually(async () => {
        const { body } = await api.as('read').get(`/v1/sessions/${id}`);
        expect(body.version).toBe(logged.length);
        expect(body.pages.map((p: { url: string }) => p.url)).toEqual(pagesInLog);
      }, 60_000);
    }
  });

  it('parks a poison event on the dead-letter stream and keeps projecting', async () => {
    const id = randomUUID();
    const js = nc.jetstream();
    await js.publish(`cobrowse.acme.session.${id}.created`, 'this is not an event');
    const after = await api.as('ingest').post('/v1/sessions', { device_id: 'after-poison' });
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${after.body.id}`)).status).toBe(200),
    );

    // The tracker parks the same message on its own subject of the stream.
    const dead = await js.consumers.get('COBROWSE_DEAD_LETTERS', {
      filterSubjects: ['cobrowse-svc.dlq.history-projector'],
    });
    const parked = await dead.next({ expires: 5_000 });
    expect(parked).not.toBeNull();
    expect(parked!.string()).toBe('this is not an event');
    expect(parked!.headers?.get('Cobrowse-Dead-Letter-Reason')).toBe('not JSON');
    expect(parked!.headers?.get('Cobrowse-Original-Subject')).toBe(`cobrowse.acme.session.${id}.created`);
  });

  it('reports the projection checkpoint and lag in /health', async () => {
    const { body } = await api.get('/health');
    const [lag] = body.services['history-projector'].consumers;
    expect(lag).toMatchObject({ stream: 'COBROWSE_EVENTS', consumer: 'history-projector' });
    expect(lag.last_seq).toBeGreaterThan(0);
    await eventually(async () => {
      const now = (await api.get('/health')).body.services['history-projector'].consumers[0];
      expect(now.pending).toBe(0);
      expect(now.ack_floor).toBe(now.last_seq);
    });
  });

  it('rebuilds a read model identical to the live one, while queries keep being answered', async () => {
    const ingest = api.as('ingest');
    const id = (
      await ingest.post('/v1/sessions', { device_id: 'rebuilt', custom_data: { k: 'v' }, tags: ['t'] })
    ).body.id;
    await ingest.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a', name: 'Ann' } });
    await ingest.post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/x' });
    await api.as('admin').request('PATCH', `/v1/sessions/${id}/metadata`, { m: 1 });
    await ingest.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' });
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${id}`)).body.version).toBe(5),
    );

    const before = await allSessions();
    expect(before.length).toBeGreaterThan(10);

    let answered = 0;
    let failed = 0;
    let querying = true;
    const reader = (async () => {
      while (querying) {
        const r = await api.as('read').get(`/v1/sessions/${id}`);
        if (r.status === 200) answered++;
        else failed++;
      }
    })();
    const output = await system.rebuild();
    querying = false;
    await reader;

    expect(output).toMatch(/rebuild replaying: log position \d+ of \d+/);
    expect(output).toMatch(/rebuild done in .* live read model is now sessions_\d+ \(was sessions\)/);
    expect(failed).toBe(0);
    expect(answered).toBeGreaterThan(0);
    expect(await allSessions()).toEqual(before);

    // The live projector follows the switch: new events land in the rebuilt read model.
    const later = (await ingest.post('/v1/sessions', { device_id: 'after-rebuild' })).body.id;
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${later}`)).status).toBe(200),
    );
  });
});
