import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { Webhook } from 'standardwebhooks';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import {
  ApiClient,
  eventually,
  metricValue,
  scrapeMetrics,
  TestSystem,
  WebhookReceiver,
  type ReceivedWebhook,
} from '@cobrowse/testing';

const ENDPOINTS = '/v1/webhooks/endpoints';

/** SPEC section 11: endpoints per tenant, deliveries signed (Standard Webhooks), retried in order. */
describe('webhooks', () => {
  let system: TestSystem;
  let admin: ApiClient;
  let ingest: ApiClient;
  let receiver: WebhookReceiver;
  let nc: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: {
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        WEBHOOK_RETRY_SCHEDULE_MS: '0,300,300,300,300,300',
        WEBHOOK_TIMEOUT_MS: '2000',
        // An endpoint whose every delivery fails for 4 s is disabled (5 days by default).
        WEBHOOK_DISABLE_AFTER_MS: '4000',
      },
    });
    const api = new ApiClient(system.gatewayUrl);
    admin = api.as('admin');
    ingest = api.as('ingest');
    receiver = await WebhookReceiver.start();
    nc = await connect(system.natsAs('services'));
  });

  afterAll(async () => {
    await nc?.close();
    await receiver?.stop();
    await system?.stop();
  });

  const endpoint = async (path: string, settings: Record<string, unknown> = {}) => {
    const created = await admin.post(ENDPOINTS, { url: receiver.url(path), ...settings });
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };

  const newSession = async (customData: Record<string, string> = {}) => {
    const created = await ingest.post('/v1/sessions', {
      device_id: `d-${randomUUID()}`,
      custom_data: customData,
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const step = async (id: string, path: string, body: unknown) =>
    expect((await ingest.post(`/v1/sessions/${id}/${path}`, body)).status).toBe(200);
  /** Activated, one page, ended: four events after the creation. */
  const liveAndEnd = async (id: string) => {
    await step(id, 'activate', { agent: { id: 'agent-1' } });
    await step(id, 'pages', { url: 'https://shop.test/a' });
    await step(id, 'deactivate', { reason: 'agent' });
  };

  /** Every message the endpoint's consumer was given has been settled: what was not delivered was not wanted. */
  const settled = (endpointId: string) =>
    eventually(async () => {
      const info = await (await nc.jetstreamManager()).consumers.info(EVENTS_STREAM, `webhook-${endpointId}`);
      expect(info.num_pending + info.num_ack_pending).toBe(0);
    });

  const sessionOf = (hook: ReceivedWebhook) => hook.json.data.session_id as string;

  it('manages endpoints for the tenant of the key: the secret once, admin scope, other tenants see nothing', async () => {
    const created = await admin.post(ENDPOINTS, {
      url: receiver.url('/manage'),
      description: 'CRM',
      event_types: ['session.deactivated', 'session.created'],
      enabled: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: receiver.url('/manage'),
      description: 'CRM',
      event_types: ['session.created', 'session.deactivated'],
      filter: null,
      enabled: false,
      rate_limit: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = created.body.id as string;

    const listed = await admin.get(ENDPOINTS);
    expect(listed.body.data.map((e: { id: string }) => e.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await admin.get(`${ENDPOINTS}/${id}`)).body.secret).toBeUndefined();

    const patched = await admin.request('PATCH', `${ENDPOINTS}/${id}`, {
      description: 'CRM v2',
      rate_limit: 5,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ description: 'CRM v2', rate_limit: 5, enabled: false });

    expect((await ingest.get(ENDPOINTS)).status).toBe(403);
    const other = new ApiClient(system.gatewayUrl).as('otherTenantAdmin');
    expect((await other.get(`${ENDPOINTS}/${id}`)).body.code).toBe('WEBHOOK_ENDPOINT_NOT_FOUND');
    expect((await other.get(ENDPOINTS)).body.data).toEqual([]);

    const bad = await admin.post(ENDPOINTS, {
      url: 'ftp://x.test/',
      event_types: ['session.nope'],
      colour: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_WEBHOOK_ENDPOINT');
    expect(bad.body.details).toHaveLength(3);
    expect((await admin.get(`${ENDPOINTS}/ep_nope`)).status).toBe(404);
    expect((await admin.get(`${ENDPOINTS}/${id}/attempts?cursor=abc`)).body.code).toBe('INVALID_CURSOR');

    expect((await admin.request('DELETE', `${ENDPOINTS}/${id}`)).status).toBe(204);
    expect((await admin.get(`${ENDPOINTS}/${id}`)).status).toBe(404);
  });

  it("delivers a session's events in log order, each signed so that the standardwebhooks library verifies it", async () => {
    const { id: endpointId, secret } = await endpoint('/signed');
    const session = await newSession({ crm: 'a' });
    await liveAndEnd(session);

    const hooks = await eventually(async () => {
      const got = receiver.at('/signed').filter((h) => sessionOf(h) === session);
      expect(got).toHaveLength(4);
      return got;
    });
    expect(hooks.map((h) => h.json.type)).toEqual([
      'session.created',
      'session.activated',
      'session.page-entered',
      'session.deactivated',
    ]);
    const verifier = new Webhook(secret);
    for (const hook of hooks) {
      const verified = verifier.verify(hook.body, hook.headers as Record<string, string>) as typeof hook.json;
      expect(verified.data).toMatchObject({ tenant: 'acme', session_id: session, type: hook.json.type });
      expect(hook.headers['webhook-id']).toBe(`msg_${endpointId}_${verified.data.position}`);
      expect(hook.headers['user-agent']).toMatch(/^cobrowse-session-service-webhooks\//);
    }
    const positions = hooks.map((h) => h.json.data.position!);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(
        hooks[0].body,
        hooks[0].headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('tries a failed delivery again with the same webhook-id, and keeps a session’s later events behind it while other sessions go on', async () => {
    const { id: endpointId } = await endpoint('/flaky');
    const tries = new Map<string, number>();
    // The creation of a session marked flaky fails twice, then succeeds; everything else at once.
    receiver.answer('/flaky', (hook) => {
      const created = hook.json.data as { type?: string; data?: { custom_data?: Record<string, string> } };
      if (created.type !== 'session.created' || created.data?.custom_data?.flaky !== 'yes') return 200;
      const id = String(hook.headers['webhook-id']);
      tries.set(id, (tries.get(id) ?? 0) + 1);
      return tries.get(id)! <= 2 ? 500 : 200;
    });
    const stuck = await newSession({ flaky: 'yes' });
    await liveAndEnd(stuck);
    const other = await newSession();
    await liveAndEnd(other);

    const stuckHooks = await eventually(async () => {
      const got = receiver.at('/flaky').filter((h) => sessionOf(h) === stuck);
      expect(got.filter((h) => h.status === 200)).toHaveLength(4);
      return got;
    });
    // Three attempts of the creation, one id; its later events only after it succeeded.
    expect(stuckHooks.map((h) => `${h.json.type}:${h.status}`)).toEqual([
      'session.created:500',
      'session.created:500',
      'session.created:200',
      'session.activated:200',
      'session.page-entered:200',
      'session.deactivated:200',
    ]);
    expect(new Set(stuckHooks.slice(0, 3).map((h) => h.headers['webhook-id'])).size).toBe(1);
    // The other session, sent after, did not wait for it.
    const all = receiver.at('/flaky');
    const otherEnded = all.findIndex((h) => sessionOf(h) === other && h.json.type === 'session.deactivated');
    const stuckCreated = all.findIndex((h) => sessionOf(h) === stuck && h.status === 200);
    expect(otherEnded).toBeGreaterThanOrEqual(0);
    expect(otherEnded).toBeLessThan(stuckCreated);

    const attempts = await admin.get(`${ENDPOINTS}/${endpointId}/attempts?limit=100`);
    expect(attempts.status).toBe(200);
    const ofCreation = attempts.body.data.filter(
      (a: { webhook_id: string }) => a.webhook_id === stuckHooks[0].headers['webhook-id'],
    );
    expect(ofCreation.map((a: { attempt: number; status: number }) => [a.attempt, a.status])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(ofCreation[1].next_retry_at).not.toBeNull();
    expect(ofCreation[0].next_retry_at).toBeNull();
  });

  it('disables an endpoint that answers 410 Gone, and says why', async () => {
    receiver.answer('/gone', () => 410);
    const { id } = await endpoint('/gone');
    await newSession();
    const disabled = await eventually(async () => {
      const got = await admin.get(`${ENDPOINTS}/${id}`);
      expect(got.body.enabled).toBe(false);
      return got.body;
    });
    expect(disabled.disabled_reason).toMatch(/410/);
    expect(receiver.at('/gone')).toHaveLength(1);
    // The dispatcher's leader (the one replica here) counts it, beside the deliveries so far.
    const samples = await scrapeMetrics(system.probeUrl('webhook-dispatcher', 1));
    expect(metricValue(samples, 'cobrowse_webhook_endpoints_disabled_total', { reason: 'gone' })).toBe(1);
    expect(
      metricValue(samples, 'cobrowse_webhook_deliveries_total', { outcome: 'delivered' }),
    ).toBeGreaterThan(0);
    expect(metricValue(samples, 'cobrowse_webhook_deliveries_total', { outcome: 'failed' })).toBeGreaterThan(
      0,
    );
  });

  it('waits as long as a 429 asks before the next attempt, and disables an endpoint that keeps failing', async () => {
    receiver.answer('/busy', () => ({ status: 429, headers: { 'retry-after': '2' } }));
    const { id } = await endpoint('/busy');
    const session = await newSession();
    await liveAndEnd(session);
    const disabled = await eventually(async () => {
      const got = await admin.get(`${ENDPOINTS}/${id}`);
      expect(got.body.enabled).toBe(false);
      return got.body;
    });
    expect(disabled.disabled_reason).toMatch(/^every delivery failed since /);
    const attempts = (await admin.get(`${ENDPOINTS}/${id}/attempts`)).body.data as Array<{
      at: string;
      status: number;
      next_retry_at: string | null;
    }>;
    const retried = attempts.filter((a) => a.next_retry_at !== null);
    expect(retried.length).toBeGreaterThan(0);
    // The schedule says 300 ms; the answer asked for 2 s.
    for (const a of retried)
      expect(Date.parse(a.next_retry_at!) - Date.parse(a.at)).toBeGreaterThanOrEqual(1_900);
    expect(attempts.every((a) => a.status === 429)).toBe(true);
  });

  it('keeps delivering to a healthy endpoint while another never answers', async () => {
    receiver.answer('/dead', () => 'hang');
    await endpoint('/dead');
    await endpoint('/healthy');
    const sessions = [await newSession(), await newSession(), await newSession()];
    for (const s of sessions) await liveAndEnd(s);
    await eventually(async () => {
      const got = receiver.at('/healthy', { ok: true }).filter((h) => sessions.includes(sessionOf(h)));
      expect(got).toHaveLength(12);
    });
    expect(receiver.at('/dead', { ok: true })).toHaveLength(0);
  });

  it('delivers only the event types and custom data an endpoint asks for', async () => {
    const { id } = await endpoint('/filtered', {
      event_types: ['session.created', 'session.deactivated'],
      filter: { crm: 'yes' },
    });
    const wanted = await newSession({ crm: 'yes' });
    const unwanted = await newSession({ crm: 'no' });
    await liveAndEnd(wanted);
    await liveAndEnd(unwanted);
    await settled(id);
    expect(
      receiver.at('/filtered').map((h) => [sessionOf(h) === wanted ? 'wanted' : 'other', h.json.type]),
    ).toEqual([
      ['wanted', 'session.created'],
      ['wanted', 'session.deactivated'],
    ]);
  });

  it('replays a time range from the log with the original webhook-ids, and nothing outside it', async () => {
    const { id } = await endpoint('/replayed');
    const inRange = await newSession();
    await liveAndEnd(inRange);
    const first = await eventually(async () => {
      const got = receiver.at('/replayed').filter((h) => sessionOf(h) === inRange);
      expect(got).toHaveLength(4);
      return got;
    });
    const since = first[0].json.data.recorded_at as number;
    const until = first[3].json.data.recorded_at as number;
    const after = await newSession();
    await eventually(async () =>
      expect(receiver.at('/replayed').filter((h) => sessionOf(h) === after)).toHaveLength(1),
    );

    const replay = await admin.post(`${ENDPOINTS}/${id}/replay`, { since, until });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
    });
    await eventually(async () => expect((await admin.get(`${ENDPOINTS}/${id}`)).body.replay).toBeNull());
    const ids = (session: string) =>
      receiver
        .at('/replayed')
        .filter((h) => sessionOf(h) === session)
        .map((h) => h.headers['webhook-id']);
    const firstIds = first.map((h) => h.headers['webhook-id']);
    expect(ids(inRange)).toEqual([...firstIds, ...firstIds]);
    expect(ids(after)).toHaveLength(1);

    const bad = await admin.post(`${ENDPOINTS}/${id}/replay`, { since: until, until: since });
    expect(bad.body.code).toBe('INVALID_WEBHOOK_ENDPOINT');
  });

  it('sends the session as of each event when the endpoint asks for it', async () => {
    await endpoint('/with-session', {
      include_session: true,
      event_types: ['session.activated', 'session.deactivated'],
    });
    const session = await newSession({ crm: 'b' });
    await liveAndEnd(session);
    const hooks = await eventually(async () => {
      const got = receiver.at('/with-session').filter((h) => sessionOf(h) === session);
      expect(got).toHaveLength(2);
      return got;
    });
    expect(hooks.map((h) => h.json.data.session)).toMatchObject([
      { id: session, state: 'active', version: 2, custom_data: { crm: 'b' }, expires_at: null },
      { id: session, state: 'ended', version: 4, pages: [{ url: 'https://shop.test/a' }] },
    ]);
    expect((hooks[1].json.data.session as { expires_at: string }).expires_at).toMatch(/^\d{4}-/);
  });

  it('signs with the old and the new secret after a rotation, and sends a test delivery on request', async () => {
    const { id, secret: old } = await endpoint('/rotated');
    const rotated = await admin.post(`${ENDPOINTS}/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);

    const test = await admin.post(`${ENDPOINTS}/${id}/test`);
    expect(test.status).toBe(202);
    const hook = await eventually(async () => {
      const got = receiver.at('/rotated').find((h) => h.headers['webhook-id'] === test.body.webhook_id);
      expect(got).toBeDefined();
      return got!;
    });
    expect(hook.json.type).toBe('webhook.test');
    expect(String(hook.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [old, fresh])
      new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);
    await eventually(async () => {
      const attempts = await admin.get(`${ENDPOINTS}/${id}/attempts`);
      expect(attempts.body.data[0]).toMatchObject({
        webhook_id: test.body.webhook_id,
        status: 200,
        type: 'webhook.test',
      });
    });
  });
});

describe('webhook targets where private addresses are not allowed (the default)', () => {
  let system: TestSystem;
  let admin: ApiClient;

  beforeAll(async () => {
    system = await TestSystem.start();
    admin = new ApiClient(system.gatewayUrl).as('admin');
  });

  afterAll(async () => {
    await system?.stop();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://localhost/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://10.1.2.3/hook',
    'https://[::1]/hook',
    'https://[::ffff:192.168.1.1]/hook',
    'http://example.com/hook',
  ])('refuses %s', async (url) => {
    const refused = await admin.post(ENDPOINTS, { url });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('WEBHOOK_URL_NOT_ALLOWED');
  });
});
