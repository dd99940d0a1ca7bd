import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { RelayClient, type FactResult } from '@cobrowse/client';
import { ApiClient, eventually, readEventLog, TEST_KEYS, TestSystem } from '@cobrowse/testing';

jest.setTimeout(600_000);

/** The relay side of the packed client: exactly once through failures, over HTTP and NATS. */
describe('@cobrowse/client, relay side', () => {
  let system: TestSystem;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start();
    nc = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  /** Every logged session event of these sessions, by event_id (the log, not a read model). */
  const logged = async (sessionIds: Set<string>) =>
    (await readEventLog(nc, 'cobrowse.acme.session.*.*')).filter((e) =>
      sessionIds.has(e.envelope.session_id),
    );

  it('delivers every fact exactly once while the gateway is killed and restarted mid-batch', async () => {
    const relay = new RelayClient({
      url: system.gatewayUrl,
      apiKey: TEST_KEYS.ingest,
      maxBatch: 40,
      lingerMs: 5,
    });
    const sessions = new Set<string>();
    const answers: Array<Promise<FactResult>> = [];
    const reported: string[] = [];
    const track = (eventId: string, answer: Promise<FactResult>) => {
      reported.push(eventId);
      answers.push(answer);
    };
    const SESSIONS = 150;
    let answered = 0;
    const load = (async () => {
      for (let i = 0; i < SESSIONS; i++) {
        const session_id = randomUUID();
        sessions.add(session_id);
        const facts: Array<[string, Promise<FactResult>]> = [];
        const created = `c-${session_id}`;
        facts.push([
          created,
          relay.sessionCreated({ session_id, event_id: created, device_id: `relay-dev-${i}` }),
        ]);
        for (let p = 0; p < 4; p++) {
          const id = `p${p}-${session_id}`;
          facts.push([
            id,
            relay.pageEntered(session_id, { url: `https://relay.test/${i}/${p}` }, { event_id: id }),
          ]);
        }
        const ended = `d-${session_id}`;
        facts.push([ended, relay.deactivated(session_id, { reason: 'device' }, { event_id: ended })]);
        for (const [id, answer] of facts)
          track(
            id,
            answer.finally(() => answered++),
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await eventually(async () => expect(answered).toBeGreaterThan(100));
    await system.killReplica('gateway', 1);
    await new Promise((r) => setTimeout(r, 1_500));
    system.restartReplica('gateway', 1);
    await load;
    await relay.close();

    const results = await Promise.all(answers);
    const refused = results.filter((r) => !['accepted', 'duplicate'].includes(r.status));
    expect(refused).toEqual([]);
    expect(results.map((r) => r.event_id)).toEqual(reported);

    const log = await logged(sessions);
    const counts = new Map<string, number>();
    for (const e of log) counts.set(e.envelope.event_id, (counts.get(e.envelope.event_id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect([...counts.keys()].sort()).toEqual([...reported].sort());
    // Facts of a session reach the log in the order they were reported.
    for (const id of sessions) {
      const types = log.filter((e) => e.envelope.session_id === id).map((e) => e.envelope.type);
      expect(types).toEqual([
        'session.created',
        ...Array(4).fill('session.page-entered'),
        'session.deactivated',
      ]);
    }
  });

  it('reports over NATS with the relay identity, and connection facts too', async () => {
    const relayNats = await connect(system.natsAs('relay-acme'));
    const relay = new RelayClient({ nats: relayNats, apiKey: TEST_KEYS.ingest });
    const device = `nats-dev-${randomUUID().slice(0, 8)}`;
    const { session_id, status } = await relay.sessionCreated({
      device_id: device,
      custom_data: { via: 'nats' },
    });
    expect(status).toBe('accepted');
    const results = await Promise.all([
      relay.connectionOpened({ device_id: device, connection_id: 'tab-1', current_url: 'https://n.test/' }),
      relay.heartbeat({ device_id: device, connection_id: 'tab-1', has_focus: true }),
      relay.pageEntered(session_id, { url: 'https://n.test/a' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const rejected = await relay.activated(session_id, { agent: { id: '' } });
    expect(rejected).toMatchObject({ status: 'rejected', error: { code: 'VALIDATION_FAILED' } });
    await relay.close();
    await relayNats.close();
    const read = new ApiClient(system.gatewayUrl).as('read');
    await eventually(async () => {
      expect((await read.get(`/v1/devices/${device}`)).body.is_online).toBe(true);
      expect((await read.get(`/v1/sessions/${session_id}`)).body.pages).toHaveLength(1);
    });
  });

  it('pushes back when its buffer is full and refuses facts after close', async () => {
    const relay = new RelayClient({
      url: system.gatewayUrl,
      apiKey: TEST_KEYS.ingest,
      maxBuffered: 5,
      maxBatch: 5,
    });
    let highest = 0;
    const answers = Array.from({ length: 40 }, (_, i) => {
      const answer = relay.sessionCreated({ device_id: `bp-${i}` });
      highest = Math.max(highest, relay.pending);
      return answer;
    });
    expect(highest).toBeLessThanOrEqual(5);
    expect((await Promise.all(answers)).every((r) => r.status === 'accepted')).toBe(true);
    await relay.close();
    await expect(relay.sessionCreated({ device_id: 'late' })).rejects.toMatchObject({
      code: 'CLIENT_CLOSED',
    });
  });
});
