import { connect, type NatsConnection } from 'nats';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

/** SPEC section 5's worked example, through the gateway, the event log and the projector. */
describe('the core session events flow end to end', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start();
    api = new ApiClient(system.gatewayUrl).as('ingest');
    nc = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  it('reports NATS and MongoDB reachability of every service', async () => {
    const { status, body } = await new ApiClient(system.gatewayUrl).get('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.services).sort()).toEqual([
      'connection-tracker',
      'gateway',
      'history-projector',
      'session-lifecycle',
      'webhook-dispatcher',
    ]);
    for (const service of ['history-projector', 'webhook-dispatcher'])
      expect(body.services[service].dependencies).toEqual({
        nats: { status: 'up' },
        mongodb: { status: 'up' },
      });
  });

  it('gives page durations 11, 7, 11 for the reference session, on both history paths', async () => {
    const updates: Array<{ subject: string; state: string; version: number; expires_at: string | null }> = [];
    const updatesSub = nc.subscribe('cobrowse.acme.session-updated.*', {
      callback: (_err, m) => {
        const s = JSON.parse(m.string());
        updates.push({ subject: m.subject, state: s.state, version: s.version, expires_at: s.expires_at });
      },
    });
    const received: Array<{ subject: string; type: string; version: number }> = [];
    const sub = nc.subscribe('cobrowse.acme.session.>', {
      callback: (_err, m) => {
        const e = JSON.parse(m.string());
        received.push({ subject: m.subject, type: e.type, version: e.version });
      },
    });

    const created = await api.post('/v1/sessions', { device_id: 'device-1', occurred_at: 1369939707527 });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.body).toMatchObject({ state: 'pending', version: 1, went_live: false });
    expect(created.body.token).toMatch(/^\d{9}$/);

    const activated = await api.post(`/v1/sessions/${id}/activate`, {
      agent: { id: 'agent-7', name: 'Ann', email: 'ann@example.com' },
      occurred_at: 1369939712516,
    });
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ state: 'active', went_live: true, version: 2 });

    for (const [i, at] of [1369939712594, 1369939723764, 1369939731685].entries()) {
      const page = await api.post(`/v1/sessions/${id}/pages`, {
        url: `https://shop.example.com/p${i}`,
        occurred_at: at,
      });
      expect(page.status).toBe(200);
    }

    const notYet = await api.as('read').get(`/history/sessions/${id}`);
    expect(notYet.status).toBe(404);
    expect(notYet.body.code).toBe('SESSION_NOT_ENDED');

    const ended = await api.post(`/v1/sessions/${id}/deactivate`, {
      reason: 'agent',
      occurred_at: 1369939743522,
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ state: 'ended', end_reason: 'agent', version: 6 });

    const expected = {
      id,
      sessionToken: created.body.token,
      creationTime: 1369939707527,
      activationTime: 1369939712516,
      deactivationTime: 1369939743522,
      pages: [
        { url: 'https://shop.example.com/p0', enteredTimestamp: 1369939712594, duration: 11 },
        { url: 'https://shop.example.com/p1', enteredTimestamp: 1369939723764, duration: 7 },
        { url: 'https://shop.example.com/p2', enteredTimestamp: 1369939731685, duration: 11 },
      ],
    };
    const reader = api.as('read');
    const history = await eventually(async () => {
      const r = await reader.get(`/history/sessions/${id}`);
      expect(r.status).toBe(200);
      return r.body;
    });
    expect(history).toEqual(expected);
    expect((await reader.get(`/cobrowse/rest/history/sessions/${id}`)).body).toEqual(expected);

    const session = (await reader.get(`/v1/sessions/${id}`)).body;
    expect(session).toMatchObject({
      state: 'ended',
      length_seconds: 31,
      formatted_length: '00:31',
      agents: [
        { id: 'agent-7', name: 'Ann', email: 'ann@example.com', joined_at: '2013-05-30T18:48:32.516Z' },
      ],
      version: 6,
    });
    expect(session.pages.map((p: { duration_seconds: number }) => p.duration_seconds)).toEqual([11, 7, 11]);

    await eventually(async () => expect(received).toHaveLength(6));
    sub.unsubscribe();
    await eventually(async () => expect(updates.map((u) => u.version)).toEqual([1, 2, 3, 4, 5, 6]));
    updatesSub.unsubscribe();
    expect(updates.every((u) => u.subject === `cobrowse.acme.session-updated.${id}`)).toBe(true);
    expect(updates[5].state).toBe('ended');
    expect(updates[4].expires_at).toBeNull();
    expect(Date.parse(updates[5].expires_at!)).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(received).toEqual([
      { subject: `cobrowse.acme.session.${id}.created`, type: 'session.created', version: 1 },
      { subject: `cobrowse.acme.session.${id}.activated`, type: 'session.activated', version: 2 },
      { subject: `cobrowse.acme.session.${id}.page-entered`, type: 'session.page-entered', version: 3 },
      { subject: `cobrowse.acme.session.${id}.page-entered`, type: 'session.page-entered', version: 4 },
      { subject: `cobrowse.acme.session.${id}.page-entered`, type: 'session.page-entered', version: 5 },
      { subject: `cobrowse.acme.session.${id}.deactivated`, type: 'session.deactivated', version: 6 },
    ]);
  });

  it('keeps accepted events in JetStream with the full envelope', async () => {
    const created = await api.post('/v1/sessions', {
      device_id: 'device-2',
      event_id: 'relay-evt-1',
      tags: ['vip'],
    });
    const jsm = await nc.jetstreamManager();
    const stored = await jsm.streams.getMessage('COBROWSE_EVENTS', {
      last_by_subj: `cobrowse.acme.session.${created.body.id}.created`,
    });
    const envelope = stored.json<Record<string, unknown>>();
    expect(envelope).toMatchObject({
      event_id: 'relay-evt-1',
      type: 'session.created',
      tenant: 'acme',
      session_id: created.body.id,
      version: 1,
      data: { device_id: 'device-2', tags: ['vip'], token: created.body.token },
    });
    expect(typeof envelope.occurred_at).toBe('number');
    expect(envelope.recorded_at as number).toBeGreaterThanOrEqual(envelope.occurred_at as number);
  });

  it('answers a repeated creation with the same status and session', async () => {
    const body = { device_id: 'device-3', event_id: 'create-once' };
    const first = await api.post('/v1/sessions', body);
    const again = await api.post('/v1/sessions', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, token: first.body.token, version: 1 });
  });

  it('serves a complete OpenAPI document', async () => {
    const { status, body } = await new ApiClient(system.gatewayUrl).get('/docs-json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sessions',
        '/v1/sessions/{id}',
        '/v1/sessions/{id}/activate',
        '/v1/sessions/{id}/pages',
        '/v1/sessions/{id}/deactivate',
        '/history/sessions/{id}',
        '/cobrowse/rest/history/sessions/{id}',
        '/health',
      ]),
    );
    expect((await new ApiClient(system.gatewayUrl).get('/docs')).status).toBe(200);
  });

  it('lists the error codes each route can answer', async () => {
    const { body } = await new ApiClient(system.gatewayUrl).get('/docs-json');
    const codesOf = (path: string, method: string) =>
      Object.values(body.paths[path][method].responses as Record<string, { description: string }>)
        .map((r) => r.description)
        .join(' ');
    for (const [path, methods] of Object.entries(body.paths as Record<string, Record<string, unknown>>))
      for (const method of Object.keys(methods))
        if (path !== '/health')
          expect([path, method, codesOf(path, method)]).toEqual([
            path,
            method,
            expect.stringContaining('UNAUTHORIZED'),
          ]);
    expect(codesOf('/v1/sessions/{id}/pages', 'post')).toEqual(
      expect.stringContaining('SESSION_LIMIT_REACHED'),
    );
    expect(codesOf('/v1/sessions', 'get')).toEqual(expect.stringContaining('INVALID_TAG_EXPRESSION'));
    expect(codesOf('/v1/events', 'post')).toEqual(expect.stringContaining('BODY_TOO_DEEP'));
  });

  it('applies the API key rules: 401, 403, and 404 across tenants', async () => {
    const anonymous = new ApiClient(system.gatewayUrl);
    const created = await api.post('/v1/sessions', { device_id: 'device-4' });
    const path = `/v1/sessions/${created.body.id}`;

    const none = await anonymous.get(path);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHORIZED');
    expect((await anonymous.withAuthorization('Bearer not-a-key-at-all').get(path)).status).toBe(401);

    const wrongScope = await anonymous.as('read').post('/v1/sessions', { device_id: 'x' });
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.body.code).toBe('FORBIDDEN');

    await eventually(async () => expect((await anonymous.as('read').get(path)).status).toBe(200));
    const otherTenant = await anonymous.as('otherTenantAdmin').get(path);
    expect(otherTenant.status).toBe(404);
    expect(otherTenant.body.code).toBe('SESSION_NOT_FOUND');
  });
});
