import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { ApiClient, eventually, readEventLog, SseClient, TEST_KEYS, TestSystem } from '@cobrowse/testing';

const bearer = (key: keyof typeof TEST_KEYS) => ({ authorization: `Bearer ${TEST_KEYS[key]}` });

/** SPEC sections 4 and 5 (Live updates): lifecycle topics on NATS, and SSE with resume. */
describe('live updates', () => {
  let system: TestSystem;
  let ingest: ApiClient;
  let admin: ApiClient;
  let nc: NatsConnection;
  const open: SseClient[] = [];

  const sse = async (path: string, headers: Record<string, string> = bearer('read')) => {
    const client = await SseClient.open(`${system.gatewayUrl}${path}`, headers);
    open.push(client);
    return client;
  };

  const newSession = async (custom_data: Record<string, string> = {}) => {
    const created = await ingest.post('/v1/sessions', {
      device_id: `dev-${Math.random().toString(36).slice(2)}`,
      custom_data,
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  /** created, activated, page-entered, metadata-updated, deactivated: one of each type. */
  const driveThroughEveryType = async (id: string) => {
    expect((await ingest.post(`/v1/sessions/${id}/activate`, { agent: { id: 'agent-1' } })).status).toBe(200);
    expect((await ingest.post(`/v1/sessions/${id}/pages`, { url: 'https://shop.example/cart' })).status).toBe(
      200,
    );
    expect((await admin.request('PATCH', `/v1/sessions/${id}/metadata`, { case: 'C-1' })).status).toBe(200);
    expect((await ingest.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' })).status).toBe(200);
  };

  beforeAll(async () => {
    system = await TestSystem.start({ env: { SSE_KEEPALIVE_MS: '300' } });
    ingest = new ApiClient(system.gatewayUrl).as('ingest');
    admin = new ApiClient(system.gatewayUrl).as('admin');
    nc = await connect(system.natsAs('services'));
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  describe('lifecycle topics', () => {
    it('delivers every event type to a wildcard subscriber, live and durably, and nothing of other tenants', async () => {
      const live: string[] = [];
      const snapshots: string[] = [];
      const otherTenant: string[] = [];
      const subs = [
        nc.subscribe('cobrowse.acme.session.>', { callback: (_e, m) => live.push(m.subject) }),
        nc.subscribe('cobrowse.acme.session-updated.*', { callback: (_e, m) => snapshots.push(m.string()) }),
        nc.subscribe('cobrowse.globex.>', { callback: (_e, m) => otherTenant.push(m.subject) }),
      ];
      await nc.flush();
      const id = await newSession();
      await driveThroughEveryType(id);
      const types = ['created', 'activated', 'page-entered', 'metadata-updated', 'deactivated'];
      await eventually(async () =>
        expect(live).toEqual(types.map((t) => `cobrowse.acme.session.${id}.${t}`)),
      );
      await eventually(async () =>
        expect(
          snapshots
            .map((s) => JSON.parse(s))
            .filter((s) => s.id === id)
            .map((s) => s.version),
        ).toEqual([1, 2, 3, 4, 5]),
      );
      expect(otherTenant).toEqual([]);

      // A durable subscriber reads from any point: every deactivation of the tenant, from the start of the log.
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.add('COBROWSE_EVENTS', {
        durable_name: 'acme-ends',
        filter_subject: 'cobrowse.acme.session.*.deactivated',
        deliver_policy: DeliverPolicy.All,
        ack_policy: AckPolicy.Explicit,
      });
      const consumer = await nc.jetstream().consumers.get('COBROWSE_EVENTS', 'acme-ends');
      const first = await consumer.next({ expires: 5_000 });
      expect(first?.subject).toBe(`cobrowse.acme.session.${id}.deactivated`);
      expect(first?.json<{ data: { reason: string } }>().data.reason).toBe('agent');
      first?.ack();
      await jsm.consumers.delete('COBROWSE_EVENTS', 'acme-ends');
      subs.forEach((s) => s.unsubscribe());
    });
  });

  describe('SSE', () => {
    it("streams a session's history and then its events with log positions, its snapshots, and keeps the connection alive", async () => {
      const id = await newSession();
      const client = await sse(`/v1/sessions/${id}/stream`);
      await driveThroughEveryType(id);
      const log = await readEventLog(nc, `cobrowse.acme.session.${id}.*`);
      await eventually(async () =>
        expect(client.messages.filter((m) => m.event !== 'session-updated').map((m) => m.id)).toEqual(
          log.map((e) => String(e.seq)),
        ),
      );
      const events = client.messages.filter((m) => m.event !== 'session-updated');
      expect(events.map((m) => m.event)).toEqual([
        'created',
        'activated',
        'page-entered',
        'metadata-updated',
        'deactivated',
      ]);
      expect(events.map((m) => JSON.parse(m.data))).toEqual(log.map((e) => e.envelope));
      await eventually(async () => {
        const last = client.events('session-updated').map((m) => JSON.parse(m.data));
        expect(last[last.length - 1]).toMatchObject({ id, state: 'ended', version: 5, end_reason: 'agent' });
      });
      expect(client.events('session-updated').every((m) => m.id === undefined)).toBe(true);
      await eventually(async () => expect(client.comments).toContain('keep-alive'));
    });

    it('opened without Last-Event-ID after the session ended, replays its whole history once; with it, nothing already seen', async () => {
      const id = await newSession();
      await driveThroughEveryType(id);
      const log = await readEventLog(nc, `cobrowse.acme.session.${id}.*`);
      expect(log).toHaveLength(5);
      const late = await sse(`/v1/sessions/${id}/stream`);
      await eventually(async () =>
        expect(late.messages.filter((m) => m.id !== undefined).map((m) => m.id)).toEqual(
          log.map((e) => String(e.seq)),
        ),
      );
      const resumed = await sse(`/v1/sessions/${id}/stream`, {
        ...bearer('read'),
        'last-event-id': String(log[log.length - 1].seq),
      });
      const next = log[log.length - 1].seq + 1;
      await eventually(async () => expect(resumed.comments).toContain(`streaming from log position ${next}`));
      await eventually(async () => expect(resumed.comments).toContain('keep-alive'));
      expect(late.messages.filter((m) => m.id !== undefined)).toHaveLength(5);
      expect(resumed.messages.filter((m) => m.id !== undefined)).toEqual([]);
    });

    it('resumes after a dropped connection with exactly the missed events, then live ones', async () => {
      const id = await newSession();
      const first = await sse(`/v1/sessions/${id}/stream?types=activated,page-entered,deactivated`);
      expect((await ingest.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a' } })).status).toBe(200);
      await eventually(async () => expect(first.events('activated')).toHaveLength(1));
      const lastSeen = first.events('activated')[0].id!;
      first.close();

      for (let page = 1; page <= 5; page++)
        expect(
          (await ingest.post(`/v1/sessions/${id}/pages`, { url: `https://x.example/${page}` })).status,
        ).toBe(200);

      const resumed = await sse(`/v1/sessions/${id}/stream?types=activated,page-entered,deactivated`, {
        ...bearer('read'),
        'last-event-id': lastSeen,
      });
      const missed = (await readEventLog(nc, `cobrowse.acme.session.${id}.page-entered`)).map((e) =>
        String(e.seq),
      );
      expect(missed).toHaveLength(5);
      await eventually(async () => expect(resumed.messages.map((m) => m.id)).toEqual(missed));
      expect((await ingest.post(`/v1/sessions/${id}/deactivate`, {})).status).toBe(200);
      await eventually(async () => expect(resumed.messages.map((m) => m.event)).toHaveLength(6));
      expect(resumed.messages.map((m) => m.event)).toEqual([...Array(5).fill('page-entered'), 'deactivated']);
      expect(new Set(resumed.messages.map((m) => m.id)).size).toBe(6);
    });

    it('streams the whole tenant filtered by types and custom data, and never another tenant', async () => {
      const acme = await sse('/v1/stream?types=activated,deactivated&filter_plan=gold');
      const globex = await sse('/v1/stream', bearer('otherTenantAdmin'));
      const gold = await newSession({ plan: 'gold' });
      const silver = await newSession({ plan: 'silver' });
      await driveThroughEveryType(gold);
      await driveThroughEveryType(silver);
      await eventually(async () => expect(acme.messages).toHaveLength(2));
      expect(acme.messages.map((m) => [m.event, JSON.parse(m.data).session_id])).toEqual([
        ['activated', gold],
        ['deactivated', gold],
      ]);
      // A session first seen mid-life is matched by the custom data in its history.
      const late = await newSession({ plan: 'gold' });
      const lateStream = await sse('/v1/stream?types=deactivated&filter_plan=gold');
      expect((await ingest.post(`/v1/sessions/${late}/deactivate`, {})).status).toBe(200);
      await eventually(async () =>
        expect(lateStream.messages.map((m) => JSON.parse(m.data).session_id)).toEqual([late]),
      );
      expect(globex.messages).toEqual([]);
    });

    it('answers 404 for another tenant’s session, 400 for bad input, 401 without a key', async () => {
      const id = await newSession();
      const foreign = await sse(`/v1/sessions/${id}/stream`, bearer('otherTenantAdmin'));
      expect(foreign.status).toBe(404);
      expect(foreign.errorBody.code).toBe('SESSION_NOT_FOUND');
      const badType = await sse('/v1/stream?types=created,exploded');
      expect(badType.status).toBe(400);
      expect(badType.errorBody.code).toBe('INVALID_QUERY');
      const badPosition = await sse('/v1/stream', { ...bearer('read'), 'last-event-id': 'yesterday' });
      expect(badPosition.status).toBe(400);
      const noKey = await sse('/v1/stream', {});
      expect(noKey.status).toBe(401);
      const ingestOnly = await sse('/v1/stream', bearer('ingest'));
      expect(ingestOnly.status).toBe(403);
    });

    it('leaves no consumer, subscription or feed behind when 200 clients connect and drop', async () => {
      const jsm = await nc.jetstreamManager();
      const consumers = async () => (await jsm.streams.info('COBROWSE_EVENTS')).state.consumer_count;
      // Counted: what a client can leave behind. Not counted: a connection's request inbox
      // (`_INBOX.<id>.*`, made on its first request and kept) and the services' own internal
      // subjects (`cobrowse-svc.>`, e.g. the tracker's presence handlers, held while it leads).
      const subscriptions = async () =>
        (
          (await (await fetch(`${system.nats.monitorUrl}/subsz?subs=1&limit=100000`)).json()) as {
            subscriptions_list: Array<{ subject: string }>;
          }
        ).subscriptions_list.filter((s) => !/^_INBOX\.[^.]+\.\*$|^cobrowse-svc\./.test(s.subject)).length;
      const liveStreams = async () =>
        (await new ApiClient(system.gatewayUrl).get('/health')).body.services.gateway.details.live_streams;
      const id = await newSession();
      await eventually(async () => expect(await liveStreams()).toBe(0));
      const before = { consumers: await consumers(), subscriptions: await subscriptions() };

      const clients: SseClient[] = [];
      for (let i = 0; i < 200; i++)
        clients.push(await SseClient.open(`${system.gatewayUrl}/v1/sessions/${id}/stream`, bearer('read')));
      expect(await consumers()).toBeGreaterThanOrEqual(before.consumers + 200);
      expect(await subscriptions()).toBeGreaterThan(before.subscriptions);
      expect(await liveStreams()).toBe(200);
      clients.forEach((c) => c.close());

      await eventually(async () => {
        expect(await liveStreams()).toBe(0);
        expect(await consumers()).toBe(before.consumers);
        expect(await subscriptions()).toBe(before.subscriptions);
      });
      console.log(
        `SSE leak check: before ${JSON.stringify(before)}, with 200 clients +200 consumers, after ${JSON.stringify(
          {
            consumers: await consumers(),
            subscriptions: await subscriptions(),
          },
        )}`,
      );
    });
  });
});
