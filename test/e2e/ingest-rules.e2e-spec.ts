import { randomUUID } from 'node:crypto';
import { connect, headers, type NatsConnection } from 'nats';
import { ApiClient, readEventLog, TEST_KEYS, TestSystem } from '@cobrowse/testing';

/** SPEC section 3 rules and every ingest path: single endpoints, POST /v1/events, cobrowse.ingest. */
describe('ingest', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;
  /** A relay of tenant acme: cobrowse.ingest is answered in a tenant's relays account. */
  let relay: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start();
    api = new ApiClient(system.gatewayUrl).as('ingest');
    nc = await connect(system.natsAs('services'));
    relay = await connect(system.natsAs('relay-acme'));
  });

  afterAll(async () => {
    await relay?.close();
    await nc?.close();
    await system?.stop();
  });

  const newSession = async (body: Record<string, unknown> = {}) => {
    const r = await api.post('/v1/sessions', { device_id: 'dev-1', ...body });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  describe('single-event endpoints', () => {
    it('answers 400 VALIDATION_FAILED with field details', async () => {
      const r = await api.post('/v1/sessions', { device: { platform: 5 }, tags: 'vip' });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'device.platform',
        'device_id',
        'tags',
      ]);
    });

    it('answers 400 for a body that is not JSON and 413 for one over 1 MB', async () => {
      const notJson = await api.post('/v1/sessions', '{"device_id":');
      expect(notJson.status).toBe(400);
      expect(notJson.body.code).toBe('INVALID_JSON');
      const huge = await api.post('/v1/sessions', { device_id: 'd', source: 'x'.repeat(1_100_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('rejects occurred_at more than 5 minutes ahead with 400 OCCURRED_AT_IN_FUTURE, accepts the distant past', async () => {
      const future = await api.post('/v1/sessions', { device_id: 'd', occurred_at: Date.now() + 6 * 60_000 });
      expect(future.status).toBe(400);
      expect(future.body.code).toBe('OCCURRED_AT_IN_FUTURE');
      const past = await api.post('/v1/sessions', { device_id: 'd', occurred_at: '2001-02-03T04:05:06Z' });
      expect(past.status).toBe(201);
      expect(past.body.created_at).toBe('2001-02-03T04:05:06.000Z');
    });

    it('answers 404 SESSION_NOT_FOUND for an unknown or malformed session id', async () => {
      for (const id of [randomUUID(), 'not-a-uuid']) {
        const r = await api.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a' } });
        expect(r.status).toBe(404);
        expect(r.body.code).toBe('SESSION_NOT_FOUND');
      }
    });

    it('answers 409 INVALID_TRANSITION naming the current state, and appends nothing', async () => {
      const id = await newSession();
      expect((await api.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a1' } })).status).toBe(200);
      const again = await api.post(`/v1/sessions/${id}/activate`, { agent: { id: 'a2' } });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', message: 'session is active' });
      await api.post(`/v1/sessions/${id}/deactivate`, {});
      const page = await api.post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/' });
      expect(page.status).toBe(409);
      expect(page.body).toMatchObject({ code: 'INVALID_TRANSITION', message: 'session is ended' });
      const taken = await api.post('/v1/sessions', { session_id: id, device_id: 'dev-1' });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('INVALID_TRANSITION');
      const logged = await readEventLog(nc, `cobrowse.acme.session.${id}.*`);
      expect(logged.map((e) => e.envelope.type)).toEqual([
        'session.created',
        'session.activated',
        'session.deactivated',
      ]);
    });

    it('answers a second deactivation as a duplicate: same status, same version', async () => {
      const id = await newSession();
      const first = await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'device' });
      const second = await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' });
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        state: 'ended',
        end_reason: 'device',
        version: first.body.version,
      });
    });

    it('applies a retried event_id once: no second page', async () => {
      const id = await newSession();
      const body = { event_id: 'page-once', url: 'https://a.test/1' };
      const first = await api.post(`/v1/sessions/${id}/pages`, body);
      const retry = await api.post(`/v1/sessions/${id}/pages`, body);
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.body.version).toBe(first.body.version);
      expect(retry.body.pages).toHaveLength(1);
    });

    it('keeps tokens unique among open sessions', async () => {
      const tokens = new Set<string>();
      for (let i = 0; i < 25; i++) {
        const r = await api.post('/v1/sessions', { device_id: `d${i}` });
        expect(r.body.token).toMatch(/^\d{9}$/);
        tokens.add(r.body.token);
      }
      expect(tokens.size).toBe(25);
    });
  });

  describe('POST /v1/events', () => {
    it('decides each event on its own and answers in request order', async () => {
      const known = await newSession();
      const fresh = randomUUID();
      const { status, body } = await api.post('/v1/events', {
        events: [
          {
            event_id: 'b-1',
            type: 'session.created',
            session_id: fresh,
            data: { device_id: 'dev-9', tags: ['a'] },
          },
          { event_id: 'b-2', type: 'session.activated', session_id: fresh, data: { agent: { id: 'ag' } } },
          { event_id: 'b-3', type: 'session.page-entered', session_id: known, data: { url: 'ftp:/' } },
          {
            event_id: 'b-4',
            type: 'session.page-entered',
            session_id: fresh,
            data: { url: 'https://a.test/' },
          },
          { event_id: 'b-5', type: 'session.activated', session_id: fresh, data: { agent: { id: 'ag2' } } },
          {
            event_id: 'b-4',
            type: 'session.page-entered',
            session_id: fresh,
            data: { url: 'https://a.test/' },
          },
          {
            event_id: 'b-6',
            type: 'session.metadata-updated',
            session_id: known,
            data: { metadata: { k: 1 } },
          },
          { event_id: 'b-7', type: 'session.nonsense', session_id: known, data: {} },
          { event_id: 'b-8', type: 'connection.opened', data: { device_id: 'dev-9', connection_id: 'c1' } },
          {
            event_id: 'b-9',
            type: 'session.activated',
            session_id: randomUUID(),
            data: { agent: { id: 'x' } },
          },
        ],
      });
      expect(status).toBe(200);
      expect(body.results.map((r: { event_id: string; status: string }) => [r.event_id, r.status])).toEqual([
        ['b-1', 'accepted'],
        ['b-2', 'accepted'],
        ['b-3', 'rejected'],
        ['b-4', 'accepted'],
        ['b-5', 'rejected'],
        ['b-4', 'duplicate'],
        ['b-6', 'accepted'],
        ['b-7', 'rejected'],
        ['b-8', 'accepted'],
        ['b-9', 'rejected'],
      ]);
      const [r1, r2, r3, r4, r5, r6, r7, r8, , r10] = body.results; // b-8 is a connection fact (no version)
      expect([r1.version, r2.version, r4.version, r6.version, r7.version]).toEqual([1, 2, 3, 3, 2]);
      expect(r3.error.code).toBe('VALIDATION_FAILED');
      expect(r5.error).toMatchObject({ code: 'INVALID_TRANSITION', message: 'session is active' });
      expect(r8.error.code).toBe('VALIDATION_FAILED');
      expect(r10.error.code).toBe('SESSION_NOT_FOUND');
    });

    it('generates missing event ids and returns them with the session id', async () => {
      const { body } = await api.post('/v1/events', {
        events: [{ type: 'session.created', data: { device_id: 'd' } }],
      });
      expect(body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
      expect(body.results[0].event_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.results[0].session_id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses a body that is not 1..500 events with 400', async () => {
      for (const events of [[], Array.from({ length: 501 }, () => ({})), 'x', undefined]) {
        const r = await api.post('/v1/events', { events });
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('answers 413 METADATA_TOO_LARGE per item when a merge would reach 10 KB, changing nothing', async () => {
      const id = await newSession({ metadata: { a: 'x'.repeat(6000) } });
      const { body } = await api.post('/v1/events', {
        events: [
          { type: 'session.metadata-updated', session_id: id, data: { metadata: { b: 'y'.repeat(6000) } } },
        ],
      });
      expect(body.results[0]).toMatchObject({ status: 'rejected', error: { code: 'METADATA_TOO_LARGE' } });
      expect((await readEventLog(nc, `cobrowse.acme.session.${id}.*`)).length).toBe(1);
    });

    it('takes 500 events in one batch', async () => {
      const sessions = Array.from({ length: 50 }, () => randomUUID());
      const events = sessions.flatMap((id) => [
        { type: 'session.created', session_id: id, data: { device_id: 'bulk' } },
        ...Array.from({ length: 9 }, (_, i) => ({
          type: 'session.page-entered',
          session_id: id,
          data: { url: `https://a.test/${i}` },
        })),
      ]);
      const { status, body } = await api.post('/v1/events', { events });
      expect(status).toBe(200);
      expect(body.results.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
      expect(body.results.slice(0, 10).map((r: { version: number }) => r.version)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
    });
  });

  describe('cobrowse.ingest', () => {
    const request = async (body: unknown, authorization?: string) => {
      const h = headers();
      if (authorization) h.set('Authorization', authorization);
      const reply = await relay.request(
        'cobrowse.ingest',
        typeof body === 'string' ? body : JSON.stringify(body),
        {
          headers: h,
          timeout: 10_000,
        },
      );
      return reply.json<any>();
    };

    it('answers exactly like POST /v1/events', async () => {
      const id = randomUUID();
      const events = [
        { event_id: 'n-1', type: 'session.created', session_id: id, data: { device_id: 'nats-dev' } },
        { event_id: 'n-2', type: 'session.activated', session_id: id, data: { agent: { id: 'a' } } },
        { event_id: 'n-3', type: 'session.activated', session_id: id, data: { agent: { id: 'b' } } },
      ];
      const overNats = await request({ events }, `Bearer ${TEST_KEYS.ingest}`);
      expect(overNats.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'accepted',
        'rejected',
      ]);
      const overHttp = await api.post('/v1/events', { events });
      expect(overHttp.body.results.map((r: { status: string }) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'rejected',
      ]);
      expect(overHttp.body.results[2]).toEqual(overNats.results[2]);
    });

    it('answers auth and body errors with the HTTP error bodies', async () => {
      const events = [{ type: 'session.created', data: { device_id: 'x' } }];
      expect(await request({ events })).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      expect(await request({ events }, 'Bearer wrong-key-wrong-key')).toMatchObject({ statusCode: 401 });
      expect(await request({ events }, `Bearer ${TEST_KEYS.read}`)).toMatchObject({
        statusCode: 403,
        code: 'FORBIDDEN',
      });
      expect(await request('{nope', `Bearer ${TEST_KEYS.ingest}`)).toMatchObject({ statusCode: 400 });
      expect(await request({ events: [] }, `Bearer ${TEST_KEYS.ingest}`)).toMatchObject({ statusCode: 400 });
    });
  });

  describe('session-lifecycle on its own', () => {
    it('does not take the gateway on trust: bad facts sent straight to it are rejected', async () => {
      const request = {
        pattern: 'cobrowse-svc.lifecycle.append',
        id: randomUUID(),
        data: {
          tenant: 'acme',
          events: [
            { event_id: 'x1', type: 'session.created', session_id: randomUUID(), occurred_at: 1, data: {} },
            { event_id: 'x2', type: 'session.exploded', session_id: randomUUID(), occurred_at: 1, data: {} },
            {
              event_id: 'x3',
              type: 'session.created',
              session_id: 'not-a-uuid',
              occurred_at: 1,
              data: { device_id: 'd' },
            },
          ],
        },
      };
      const reply = (
        await nc.request('cobrowse-svc.lifecycle.append', JSON.stringify(request), { timeout: 10_000 })
      ).json<any>();
      expect(
        reply.response.results.map((r: { status: string; error: { code: string } }) => [
          r.status,
          r.error.code,
        ]),
      ).toEqual([
        ['rejected', 'VALIDATION_FAILED'],
        ['rejected', 'VALIDATION_FAILED'],
        ['rejected', 'VALIDATION_FAILED'],
      ]);
    });
  });

  describe('access', () => {
    it('applies 401 / 403 / 404 on every ingest path', async () => {
      const id = await newSession();
      const anonymous = new ApiClient(system.gatewayUrl);
      const calls: Array<[string, unknown]> = [
        ['/v1/sessions', { device_id: 'd' }],
        [`/v1/sessions/${id}/activate`, { agent: { id: 'a' } }],
        [`/v1/sessions/${id}/pages`, { url: 'https://a.test/' }],
        [`/v1/sessions/${id}/deactivate`, {}],
        ['/v1/events', { events: [{ type: 'session.created', data: { device_id: 'd' } }] }],
      ];
      for (const [path, body] of calls) {
        expect((await anonymous.post(path, body)).status).toBe(401);
        expect(
          (await anonymous.withAuthorization(`Bearer ${TEST_KEYS.ingest}x`).post(path, body)).status,
        ).toBe(401);
        expect((await anonymous.withAuthorization(`Basic ${TEST_KEYS.ingest}`).post(path, body)).status).toBe(
          401,
        );
        expect((await anonymous.as('read').post(path, body)).status).toBe(403);
      }
      for (const [path, body] of calls.slice(1, 4)) {
        const r = await anonymous.as('otherTenantAdmin').post(path, body);
        expect(r.status).toBe(404);
        expect(r.body.code).toBe('SESSION_NOT_FOUND');
      }
      expect(
        (await anonymous.as('admin').post(`/v1/sessions/${id}/pages`, { url: 'https://a.test/' })).status,
      ).toBe(200);
    });
  });
});
