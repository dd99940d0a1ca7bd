import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  connect,
  createInbox,
  DeliverPolicy,
  headers,
  type ConnectionOptions,
  type NatsConnection,
} from 'nats';
import {
  INGEST_SUBJECT,
  INTERNAL_SUBJECTS,
  RPC,
  sessionUpdatedSubject,
  subscriberInboxPrefix,
} from '@cobrowse/contracts';
import { ApiClient, eventually, readEventLog, SseClient, TEST_KEYS, TestSystem } from '@cobrowse/testing';

/**
 * SPEC section 4: NATS runs with the shipped authorization. Relays may only ingest, a tenant's
 * subscriber may only read that tenant, nobody gets in without credentials, and what the
 * services listen on survives garbage.
 */
describe('NATS access control', () => {
  let system: TestSystem;
  let api: ApiClient;
  let services: NatsConnection;
  const open: NatsConnection[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
    api = new ApiClient(system.gatewayUrl).as('ingest');
    services = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => undefined);
    await services?.close();
    await system?.stop();
  });

  /** A connection that records the permission violations the server reports to it. */
  const as = async (identity: string) => {
    const nc = await connect(system.natsAs(identity));
    open.push(nc);
    const violations: string[] = [];
    void (async () => {
      for await (const s of nc.status())
        if (s.data === 'PERMISSIONS_VIOLATION') violations.push(s.permissionContext?.subject ?? '?');
    })();
    return { nc, violations };
  };

  /** Whether the server refuses this subscription (the refusal arrives before the flush's answer). */
  const subscribeRefused = async (nc: NatsConnection, subject: string) => {
    let refused = false;
    nc.subscribe(subject, { callback: (err) => (refused ||= err?.code === 'PERMISSIONS_VIOLATION') });
    await nc.flush();
    return refused;
  };

  /** Publishes, and resolves once the server has refused it (the test fails if it never does). */
  const publishRefused = async (
    c: { nc: NatsConnection; violations: string[] },
    subject: string,
    data: string,
  ) => {
    c.nc.publish(subject, data);
    await eventually(async () => expect(c.violations).toContain(subject), 10_000);
    return true;
  };

  const ingestHeaders = () => {
    const h = headers();
    h.set('Authorization', `Bearer ${TEST_KEYS.ingest}`);
    return h;
  };

  const createdEnvelope = (tenant: string, sessionId: string) =>
    JSON.stringify({
      event_id: randomUUID(),
      type: 'session.created',
      tenant,
      session_id: sessionId,
      occurred_at: Date.now(),
      recorded_at: Date.now(),
      version: 1,
      data: { device_id: 'forged', token: '123456789' },
    });

  it('refuses a connection without credentials, or with wrong ones', async () => {
    await expect(connect({ servers: system.nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/authoriz/i);
    await expect(
      connect({ ...system.natsAs('relay'), pass: 'wrong', maxReconnectAttempts: 0 } as ConnectionOptions),
    ).rejects.toThrow(/authoriz/i);
  });

  it('lets a relay ingest, and nothing else', async () => {
    const relay = await as('relay');
    const sessionId = randomUUID();
    const reply = await relay.nc.request(
      INGEST_SUBJECT,
      JSON.stringify({
        events: [{ type: 'session.created', session_id: sessionId, data: { device_id: 'd' } }],
      }),
      { headers: ingestHeaders(), timeout: 10_000 },
    );
    expect(reply.json<{ results: Array<{ status: string }> }>().results[0].status).toBe('accepted');

    // Attack 1: reading every relay's API key off cobrowse.ingest.
    expect(await subscribeRefused(relay.nc, INGEST_SUBJECT)).toBe(true);
    expect(await subscribeRefused(relay.nc, '_INBOX.>')).toBe(true);
    expect(await subscribeRefused(relay.nc, 'cobrowse.acme.>')).toBe(true);
    // Attack 2: a creation for another tenant straight into the log.
    const forged = randomUUID();
    expect(
      await publishRefused(
        relay,
        `cobrowse.globex.session.${forged}.created`,
        createdEnvelope('globex', forged),
      ),
    ).toBe(true);
    // Attack 3: the step-down that stopped projection for good.
    expect(await publishRefused(relay, INTERNAL_SUBJECTS.projectorStepDown, '1000000000000')).toBe(true);
    expect(await publishRefused(relay, RPC.lifecycleAppend, '{}')).toBe(true);
    expect(await readEventLog(services, `cobrowse.globex.session.${forged}.*`)).toEqual([]);
  });

  it("gives a tenant's subscriber its lifecycle events live and through its own durable consumer", async () => {
    const acme = await as('subscriber-acme');
    const live: string[] = [];
    acme.nc.subscribe('cobrowse.acme.session.*.created', { callback: (_e, m) => live.push(m.subject) });
    await acme.nc.flush();
    const created = await api.post('/v1/sessions', { device_id: 'sub-device' });
    expect(created.status).toBe(201);
    const subject = `cobrowse.acme.session.${created.body.id}.created`;
    await eventually(async () => expect(live).toContain(subject));

    const jsm = await acme.nc.jetstreamManager();
    const deliver = createInbox(subscriberInboxPrefix('acme'));
    const durable: string[] = [];
    acme.nc.subscribe(deliver, {
      callback: (_e, m) => {
        // Pushed messages keep their log subject; the payload is the envelope.
        durable.push(JSON.parse(m.string()).session_id);
        m.respond(); // ack
      },
    });
    await jsm.consumers.add('COBROWSE_EVENTS', {
      durable_name: `acme-audit-${randomUUID().slice(0, 8)}`,
      filter_subject: 'cobrowse.acme.>',
      deliver_subject: deliver,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    await eventually(async () => expect(durable).toContain(created.body.id));
  });

  it("refuses a subscriber another tenant's events and any publish into the log", async () => {
    const acme = await as('subscriber-acme');
    expect(await subscribeRefused(acme.nc, 'cobrowse.globex.>')).toBe(true);
    expect(await subscribeRefused(acme.nc, 'cobrowse.*.session.>')).toBe(true);
    expect(await subscribeRefused(acme.nc, INGEST_SUBJECT)).toBe(true);
    const jsm = await acme.nc.jetstreamManager();
    const consumerFor = (filter: string, name = `probe-${randomUUID().slice(0, 8)}`) =>
      jsm.consumers.add('COBROWSE_EVENTS', {
        durable_name: name,
        filter_subject: filter,
        deliver_subject: createInbox(subscriberInboxPrefix('acme')),
        ack_policy: AckPolicy.None,
      });
    await expect(consumerFor('cobrowse.globex.>')).rejects.toThrow(/permission/i);
    await expect(consumerFor('cobrowse.>')).rejects.toThrow(/permission/i);
    // The services' own durable consumers are out of reach, whatever the filter.
    await expect(consumerFor('cobrowse.acme.>', 'history-projector')).rejects.toThrow(/permission/i);
    await expect(
      acme.nc.request('$JS.API.DIRECT.GET.COBROWSE_EVENTS', JSON.stringify({ seq: 1 }), { timeout: 5_000 }),
    ).rejects.toThrow(/permission/i);

    const forged = randomUUID();
    expect(
      await publishRefused(acme, `cobrowse.acme.session.${forged}.created`, createdEnvelope('acme', forged)),
    ).toBe(true);
    expect(await publishRefused(acme, sessionUpdatedSubject('acme', forged), '{}')).toBe(true);
    expect(await readEventLog(services, `cobrowse.acme.session.${forged}.*`)).toEqual([]);
  });

  it("adds a tenant's subscriber without restarting anything", async () => {
    const pids = [...system.services.values()].flat().map((p) => p.pid);
    await expect(
      connect({ ...system.natsAs('subscriber-acme'), user: 'subscriber-initech', maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/authoriz/i);
    await system.addSubscriber('initech');
    const initech = await eventually(() => connect(system.natsAs('subscriber-initech')));
    open.push(initech);
    expect(await subscribeRefused(initech, 'cobrowse.initech.>')).toBe(false);
    expect(await subscribeRefused(initech, 'cobrowse.acme.>')).toBe(true);
    expect([...system.services.values()].flat().map((p) => p.pid)).toEqual(pids);
    expect((await new ApiClient(system.gatewayUrl).get('/health')).status).toBe(200);
  });

  it('survives garbage on every subject the services listen to (as the services identity)', async () => {
    const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream?filter_plan=gold`, {
      authorization: `Bearer ${TEST_KEYS.read}`,
    });
    const pids = [...system.services.values()].flat().map((p) => p.pid);
    const subjects = [
      INGEST_SUBJECT,
      ...Object.values(RPC).flatMap((s) => (typeof s === 'string' ? [s] : [])),
      ...['gateway', 'session-lifecycle', 'history-projector', 'connection-tracker'].map((s) =>
        RPC.health(s),
      ),
      RPC.replayDeadLetter('history-projector'),
      RPC.replayDeadLetter('connection-tracker'),
      RPC.projectorExportChunks('nobody'),
      ...Object.values(INTERNAL_SUBJECTS),
      // Attack 4: non-JSON session-updated while a filter_ stream is open crashed the gateway.
      sessionUpdatedSubject('acme', 'x'),
    ];
    const garbage = [
      'not json',
      '',
      '{"a":',
      '[]',
      'null',
      '1000000000000',
      '{"tenant":{"$gt":""}}',
      'x'.repeat(100_000),
    ];
    // Each as a plain message and as a request (answered with an error, or not at all), all at once.
    const requests: Promise<unknown>[] = [];
    for (const subject of subjects)
      for (const data of garbage) {
        services.publish(subject, data);
        requests.push(services.request(subject, data, { timeout: 5_000 }).catch(() => undefined));
      }
    await Promise.all(requests);
    await services.flush();

    expect([...system.services.values()].flat().map((p) => [p.pid, p.isRunning])).toEqual(
      pids.map((pid) => [pid, true]),
    );
    expect((await new ApiClient(system.gatewayUrl).get('/health')).status).toBe(200);
    // Still working: a new session is accepted and projected, and the open stream still flows.
    const created = await api.post('/v1/sessions', { device_id: 'after-garbage' });
    expect(created.status).toBe(201);
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${created.body.id}`)).status).toBe(200),
    );
    await eventually(async () => expect(stream.comments.length).toBeGreaterThan(0));
    expect(stream.status).toBe(200);
    stream.close();
  });
});
