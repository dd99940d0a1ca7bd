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
  CONSUMERS,
  EVENTS_STREAM,
  INGEST_SUBJECT,
  INTERNAL_SUBJECTS,
  LEASES_BUCKET,
  RPC,
  sessionUpdatedSubject,
  TENANT_EVENTS_STREAM,
  tenantIngestSubject,
} from '@cobrowse/contracts';
import { ApiClient, eventually, readEventLog, SseClient, TEST_KEYS, TestSystem } from '@cobrowse/testing';

const TENANT_LIMITS = { connections: 12, subscriptions: 1_000, consumers: 6, storage: '1G' };

/**
 * SPEC section 4: one NATS account per tenant. Nobody gets in without credentials; a relay
 * can only ingest for its tenant and its replies never leave its account; a subscriber sees
 * its tenant's events (live, and through consumers of its own on its account's stream) and
 * nothing of any other tenant or of the services; what the services listen on survives
 * garbage. "Nothing happened" is read from the log, the lease bucket and the stream states.
 */
describe('NATS accounts', () => {
  let system: TestSystem;
  let api: ApiClient;
  let services: NatsConnection;
  const open: NatsConnection[] = [];
  /** Step-downs the services' account saw (none may come from outside). */
  const stepDowns: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ tenantLimits: TENANT_LIMITS });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    services = await connect(system.natsAs('services'));
    services.subscribe(INTERNAL_SUBJECTS.projectorStepDown, {
      callback: (_e, m) => stepDowns.push(m.string()),
    });
    await services.flush();
  });

  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => undefined);
    await services?.close();
    await system?.stop();
  });

  /** A connection that records the permission violations the server reports to it. */
  const as = async (identity: string, options: Partial<ConnectionOptions> = {}) => {
    const nc = await connect({ ...system.natsAs(identity), ...options });
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

  const ingestHeaders = (key: string = TEST_KEYS.ingest) => {
    const h = headers();
    h.set('Authorization', `Bearer ${key}`);
    return h;
  };
  const createdBody = (sessionId: string, deviceId = 'd') =>
    JSON.stringify({
      events: [{ type: 'session.created', session_id: sessionId, data: { device_id: deviceId } }],
    });

  /** The services' account: every consumer of the log, and the lease bucket's entries. */
  const servicesState = async () => {
    const jsm = await services.jetstreamManager();
    const consumers = (await jsm.consumers.list(EVENTS_STREAM).next()).map((c) => c.name).sort();
    const leases = await (await services.jetstream().views.kv(LEASES_BUCKET)).status();
    return {
      consumers,
      leaseValues: leases.values,
      log: (await jsm.streams.info(EVENTS_STREAM)).state.messages,
    };
  };

  it('refuses a connection without credentials, or with wrong ones', async () => {
    await expect(connect({ servers: system.nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/authoriz/i);
    await expect(
      connect({
        ...system.natsAs('relay-acme'),
        pass: 'wrong',
        maxReconnectAttempts: 0,
      } as ConnectionOptions),
    ).rejects.toThrow(/authoriz/i);
  });

  it("lets a relay ingest for its tenant, with its tenant's keys only, and nothing else", async () => {
    const relay = await as('relay-acme');
    const sessionId = randomUUID();
    const reply = await relay.nc.request(INGEST_SUBJECT, createdBody(sessionId), {
      headers: ingestHeaders(),
      timeout: 10_000,
    });
    expect(reply.json<{ results: Array<{ status: string }> }>().results[0].status).toBe('accepted');
    expect(await readEventLog(services, `cobrowse.acme.session.${sessionId}.*`)).toHaveLength(1);

    // Another tenant's key through acme's relays account is an unknown key.
    const globexRelay = await as('relay-globex');
    const foreign = await globexRelay.nc.request(INGEST_SUBJECT, createdBody(randomUUID()), {
      headers: ingestHeaders(TEST_KEYS.ingest),
      timeout: 10_000,
    });
    expect(foreign.json<{ code: string }>().code).toBe('UNAUTHORIZED');

    expect(await subscribeRefused(relay.nc, INGEST_SUBJECT)).toBe(true);
    expect(await subscribeRefused(relay.nc, 'cobrowse.acme.>')).toBe(true);
    const forged = randomUUID();
    expect(
      await publishRefused(relay, `cobrowse.globex.session.${forged}.created`, JSON.stringify({ forged })),
    ).toBe(true);
    expect(await publishRefused(relay, INTERNAL_SUBJECTS.projectorStepDown, '1000000000000')).toBe(true);
    expect(await publishRefused(relay, RPC.lifecycleAppend, '{}')).toBe(true);
    expect(await publishRefused(relay, tenantIngestSubject('globex'), '{}')).toBe(true);
    expect(await readEventLog(services, `cobrowse.globex.session.${forged}.*`)).toEqual([]);
  });

  it('attack 1: a reply subject a relay chooses never gets an answer from the services', async () => {
    const relay = await as('relay-acme');
    const before = await servicesState();
    const targets = [
      `cobrowse.globex.session.${randomUUID()}.created`,
      `$KV.${LEASES_BUCKET}.${CONSUMERS.projector}`,
      INTERNAL_SUBJECTS.projectorStepDown,
    ];
    // Each request is a real ingest: once its session is in the log, the gateway has answered it.
    const sessions = targets.map(() => randomUUID());
    targets.forEach((reply, i) =>
      relay.nc.publish(INGEST_SUBJECT, createdBody(sessions[i]), { reply, headers: ingestHeaders() }),
    );
    // Without a key, answered at once (before: on the chosen subject, with the services' rights).
    targets.forEach((reply) => relay.nc.publish(INGEST_SUBJECT, createdBody(randomUUID()), { reply }));
    for (const id of sessions)
      await eventually(async () =>
        expect(await readEventLog(services, `cobrowse.acme.session.${id}.*`)).toHaveLength(1),
      );
    // A request after them, answered: the gateway has sent whatever it sends for those.
    await relay.nc.request(INGEST_SUBJECT, createdBody(randomUUID()), {
      headers: ingestHeaders(),
      timeout: 10_000,
    });
    await services.flush();

    expect(await readEventLog(services, 'cobrowse.globex.session.>')).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ subject: targets[0] })]),
    );
    expect(await readEventLog(services, targets[0].replace('.created', '.*'))).toEqual([]);
    const after = await servicesState();
    expect(after.consumers).toEqual(before.consumers);
    expect(after.leaseValues).toBe(before.leaseValues);
    expect(stepDowns).toEqual([]);
  });

  it("gives a tenant's subscriber its lifecycle events live and through a durable consumer it resumes", async () => {
    const acme = await as('subscriber-acme');
    const live: string[] = [];
    acme.nc.subscribe('cobrowse.acme.session.*.created', { callback: (_e, m) => live.push(m.subject) });
    await acme.nc.flush();
    const first = await api.post('/v1/sessions', { device_id: 'sub-device' });
    expect(first.status).toBe(201);
    await eventually(async () => expect(live).toContain(`cobrowse.acme.session.${first.body.id}.created`));

    const durable = `acme-audit-${randomUUID().slice(0, 8)}`;
    const jsm = await acme.nc.jetstreamManager();
    await eventually(() => jsm.streams.info(TENANT_EVENTS_STREAM));
    await jsm.consumers.add(TENANT_EVENTS_STREAM, {
      durable_name: durable,
      filter_subject: 'cobrowse.acme.session.*.created',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const readAll = async (nc: NatsConnection) => {
      const consumer = await nc.jetstream().consumers.get(TENANT_EVENTS_STREAM, durable);
      const ids: string[] = [];
      for (;;) {
        const batch = await consumer.fetch({ max_messages: 100, expires: 1_000 });
        let n = 0;
        for await (const m of batch) {
          ids.push(m.json<{ session_id: string; tenant: string }>().session_id);
          expect(m.json<{ tenant: string }>().tenant).toBe('acme');
          m.ack();
          n++;
        }
        if (!n) return ids;
      }
    };
    await eventually(async () => expect(await readAll(acme.nc)).toContain(first.body.id));
    await acme.nc.close();

    // A new connection resumes where the acknowledged ones end.
    const second = await api.post('/v1/sessions', { device_id: 'sub-device' });
    const again = await as('subscriber-acme');
    const resumed: string[] = [];
    await eventually(async () => {
      resumed.push(...(await readAll(again.nc)));
      expect(resumed).toContain(second.body.id);
    });
    expect(resumed).not.toContain(first.body.id);
  });

  it('attack 2: JetStream tells a subscriber nothing of another tenant', async () => {
    await api.post('/v1/sessions', { device_id: 'globex-would-see' });
    const globexSession = await new ApiClient(system.gatewayUrl)
      .as('otherTenantAdmin')
      .post('/v1/sessions', { device_id: 'globex-secret-device' });
    expect(globexSession.status).toBe(201);
    const acme = await as('subscriber-acme');
    await eventually(async () => (await acme.nc.jetstreamManager()).streams.info(TENANT_EVENTS_STREAM));
    const answers: string[] = [];
    const ask = async (subject: string, body: unknown = {}) => {
      const reply = await acme.nc
        .request(subject, JSON.stringify(body), { timeout: 5_000 })
        .then((m) => m.string())
        .catch((e: Error) => e.message);
      answers.push(reply);
      return reply;
    };
    await ask(`$JS.API.STREAM.INFO.${TENANT_EVENTS_STREAM}`, { subjects_filter: 'cobrowse.globex.>' });
    await ask(`$JS.API.STREAM.INFO.${TENANT_EVENTS_STREAM}`, { subjects_filter: '>' });
    await ask(`$JS.API.STREAM.INFO.${EVENTS_STREAM}`, { subjects_filter: 'cobrowse.globex.>' });
    await ask('$JS.API.STREAM.LIST');
    await ask('$JS.API.STREAM.NAMES');
    await ask('$JS.API.INFO');
    await ask(`$JS.API.CONSUMER.LIST.${TENANT_EVENTS_STREAM}`);
    await ask(`$JS.svc.API.CONSUMER.CREATE.${EVENTS_STREAM}.x.cobrowse.acme.>`, {});
    await ask(`$JS.API.DIRECT.GET.${EVENTS_STREAM}`, { seq: 1 });
    for (const answer of answers) {
      expect(answer).not.toContain('globex');
      expect(answer).not.toContain(globexSession.body.id);
    }
    const names = JSON.parse(answers[4]) as { streams: string[] };
    expect(names.streams).toEqual([TENANT_EVENTS_STREAM]);
  });

  it("attack 3: a subscriber cannot delete or repoint another tenant's consumer, nor the services'", async () => {
    const globex = await as('subscriber-globex');
    const globexJsm = await globex.nc.jetstreamManager();
    await new ApiClient(system.gatewayUrl).as('otherTenantAdmin').post('/v1/sessions', { device_id: 'g' });
    await eventually(() => globexJsm.streams.info(TENANT_EVENTS_STREAM));
    await globexJsm.consumers.add(TENANT_EVENTS_STREAM, {
      durable_name: 'audit',
      ack_policy: AckPolicy.Explicit,
    });
    const before = await servicesState();

    const acme = await as('subscriber-acme');
    const acmeJsm = await acme.nc.jetstreamManager();
    await expect(acmeJsm.consumers.delete(TENANT_EVENTS_STREAM, 'audit')).rejects.toThrow(/not found/i);
    await expect(
      acme.nc.request(`$JS.API.CONSUMER.DELETE.${EVENTS_STREAM}.${CONSUMERS.projector}`, '', {
        timeout: 5_000,
      }),
    ).rejects.toThrow(/permission|no responders/i);
    // The same name in acme's account is acme's own consumer, nothing of globex's.
    await acmeJsm.consumers.add(TENANT_EVENTS_STREAM, {
      durable_name: 'audit',
      ack_policy: AckPolicy.Explicit,
      deliver_subject: createInbox(),
    });
    await acmeJsm.consumers.delete(TENANT_EVENTS_STREAM, 'audit');

    const audit = await globexJsm.consumers.info(TENANT_EVENTS_STREAM, 'audit');
    expect(audit.config.deliver_subject).toBeUndefined();
    expect((await servicesState()).consumers).toEqual(before.consumers);
  });

  it('attack 4: push consumers delivering into internal subjects reach nothing of the services', async () => {
    const before = await servicesState();
    const acme = await as('subscriber-acme');
    const jsm = await acme.nc.jetstreamManager();
    await api.post('/v1/sessions', { device_id: 'attack-4' });
    await eventually(() => jsm.streams.info(TENANT_EVENTS_STREAM));
    const targets = [
      INTERNAL_SUBJECTS.projectorStepDown,
      `$JS.API.STREAM.PURGE.${EVENTS_STREAM}`,
      `$JS.API.STREAM.DELETE.${EVENTS_STREAM}`,
      `$JS.FC.${EVENTS_STREAM}.${CONSUMERS.projector}.x`,
      `$KV.${LEASES_BUCKET}.${CONSUMERS.projector}`,
    ];
    const pushed: string[] = [];
    for (const [i, deliver_subject] of targets.entries()) {
      const name = `push-${i}`;
      const made = await jsm.consumers
        .add(TENANT_EVENTS_STREAM, { durable_name: name, deliver_subject, ack_policy: AckPolicy.None })
        .then(() => true)
        .catch(() => false);
      if (made) pushed.push(name);
    }
    // Each consumer that was made has delivered everything it had where anything listens (in
    // acme's account, an internal subject of the services means nothing: no interest, no delivery).
    for (const name of pushed)
      await eventually(async () => {
        const info = await jsm.consumers.info(TENANT_EVENTS_STREAM, name);
        expect(info.push_bound ? info.num_pending : 0).toBe(0);
      });
    await services.flush();

    const after = await servicesState();
    expect(after.consumers).toEqual(before.consumers);
    expect(after.leaseValues).toBe(before.leaseValues);
    expect(after.log).toBeGreaterThanOrEqual(before.log);
    expect(stepDowns).toEqual([]);
    for (const name of pushed) await jsm.consumers.delete(TENANT_EVENTS_STREAM, name);
    // Projection still works.
    const created = await api.post('/v1/sessions', { device_id: 'after-attack-4' });
    await eventually(async () =>
      expect((await api.as('read').get(`/v1/sessions/${created.body.id}`)).status).toBe(200),
    );
  });

  it("refuses a subscriber another tenant's subjects and any publish into the log", async () => {
    const acme = await as('subscriber-acme');
    expect(await subscribeRefused(acme.nc, 'cobrowse.globex.>')).toBe(true);
    expect(await subscribeRefused(acme.nc, 'cobrowse.*.session.>')).toBe(true);
    expect(await subscribeRefused(acme.nc, INGEST_SUBJECT)).toBe(true);
    const forged = randomUUID();
    expect(
      await publishRefused(acme, `cobrowse.acme.session.${forged}.created`, JSON.stringify({ forged })),
    ).toBe(true);
    expect(await publishRefused(acme, sessionUpdatedSubject('acme', forged), '{}')).toBe(true);
    expect(await publishRefused(acme, `$JS.API.STREAM.DELETE.${TENANT_EVENTS_STREAM}`, '')).toBe(true);
    expect(await readEventLog(services, `cobrowse.acme.session.${forged}.*`)).toEqual([]);
  });

  it("holds each tenant to its account's limits, and the others keep working", async () => {
    const acme = await as('subscriber-acme');
    const jsm = await acme.nc.jetstreamManager();
    await eventually(() => jsm.streams.info(TENANT_EVENTS_STREAM));
    const made: string[] = [];
    let refusal = '';
    for (let i = 0; i <= TENANT_LIMITS.consumers && !refusal; i++)
      await jsm.consumers
        .add(TENANT_EVENTS_STREAM, { durable_name: `limit-${i}`, ack_policy: AckPolicy.Explicit })
        .then(() => made.push(`limit-${i}`))
        .catch((e: Error) => (refusal = e.message));
    expect(refusal).toMatch(/maximum consumers/i);
    expect(made.length).toBeLessThanOrEqual(TENANT_LIMITS.consumers);

    // Connections: exactly up to the limit, counted by the server.
    const connections = async (account: string) =>
      (
        (await (await fetch(`${system.nats.monitorUrl}/connz?acc=${account}`)).json()) as {
          num_connections: number;
        }
      ).num_connections;
    const already = await connections('tenant-acme');
    const extra: NatsConnection[] = [];
    let refused = '';
    for (let i = 0; i <= TENANT_LIMITS.connections && !refused; i++)
      await connect({ ...system.natsAs('subscriber-acme'), maxReconnectAttempts: 0, timeout: 5_000 })
        .then((nc) => extra.push(nc))
        .catch((e: Error) => (refused = e.message || String(e)));
    expect(refused).not.toBe('');
    expect(already + extra.length).toBe(TENANT_LIMITS.connections);
    // globex is not held by acme's limits.
    const globex = await as('subscriber-globex');
    await (
      await globex.nc.jetstreamManager()
    ).consumers.add(TENANT_EVENTS_STREAM, {
      durable_name: 'beside-acme',
      ack_policy: AckPolicy.Explicit,
    });
    for (const nc of extra) await nc.close();
    for (const name of made) await jsm.consumers.delete(TENANT_EVENTS_STREAM, name);
  });

  it("adds a tenant's accounts without restarting anything", async () => {
    const pids = [...system.services.values()].flat().map((p) => p.pid);
    await expect(
      connect({ ...system.natsAs('subscriber-acme'), user: 'subscriber-initech', maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/authoriz/i);
    await system.addTenant('initech');
    const initech = await eventually(() => connect(system.natsAs('subscriber-initech')));
    open.push(initech);
    expect(await subscribeRefused(initech, 'cobrowse.initech.>')).toBe(false);
    expect(await subscribeRefused(initech, 'cobrowse.acme.>')).toBe(true);
    // Its relays are answered (an acme key is an unknown one there).
    const relay = await eventually(() => connect(system.natsAs('relay-initech')));
    open.push(relay);
    const reply = await relay.request(INGEST_SUBJECT, createdBody(randomUUID()), {
      headers: ingestHeaders(),
      timeout: 10_000,
    });
    expect(reply.json<{ code: string }>().code).toBe('UNAUTHORIZED');
    expect([...system.services.values()].flat().map((p) => p.pid)).toEqual(pids);
    expect((await new ApiClient(system.gatewayUrl).get('/health')).status).toBe(200);
  });

  it('survives garbage on every subject the services listen to (as the services identity)', async () => {
    const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream?filter_plan=gold`, {
      authorization: `Bearer ${TEST_KEYS.read}`,
    });
    const pids = [...system.services.values()].flat().map((p) => p.pid);
    const subjects = [
      tenantIngestSubject('acme'),
      ...Object.values(RPC).flatMap((s) => (typeof s === 'string' ? [s] : [])),
      ...['gateway', 'session-lifecycle', 'history-projector', 'connection-tracker'].map((s) =>
        RPC.health(s),
      ),
      RPC.replayDeadLetter('history-projector'),
      RPC.replayDeadLetter('connection-tracker'),
      RPC.projectorExportChunks('nobody'),
      ...Object.values(INTERNAL_SUBJECTS),
      // Non-JSON session-updated while a filter_ stream is open once crashed the gateway.
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
