import { randomUUID } from 'node:crypto';
import { exportSPKI } from 'jose';
import { ApiClient, eventually, SseClient, TestIssuer, TestSystem, type SigningKey } from '@cobrowse/testing';

const ISSUERS = '/v1/auth/issuers';
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** SPEC section 12: agents sign in with tokens of issuers their tenant trusts; every change says who made it. */
describe('agent identity', () => {
  let system: TestSystem;
  let api: ApiClient;
  let admin: ApiClient;
  let ingest: ApiClient;
  let globexAdmin: ApiClient;
  const acmeIdp = new TestIssuer('https://idp.acme.test', 'cobrowse-acme');
  const globexIdp = new TestIssuer('https://login.globex.test/', 'cobrowse');
  let k1: SigningKey;
  let k2: SigningKey;
  let globexKey: SigningKey;

  const as = (token: string) => api.withAuthorization(`Bearer ${token}`);
  const agent = (claims: Record<string, unknown> = {}) => acmeIdp.sign(k1, { name: 'Ada Agent', ...claims });
  const administrator = (claims: Record<string, unknown> = {}) =>
    acmeIdp.sign(k1, { sub: 'boss@acme.test', name: 'Bo Boss', role: 'administrator', ...claims });

  beforeAll(async () => {
    system = await TestSystem.start({ env: { JWKS_ALLOW_PRIVATE: 'true', JWKS_REFETCH_COOLDOWN_MS: '500' } });
    api = new ApiClient(system.gatewayUrl);
    admin = api.as('admin');
    ingest = api.as('ingest');
    globexAdmin = api.as('otherTenantAdmin');
    [k1, k2, globexKey] = await Promise.all([
      TestIssuer.key('k1', 'RS256'),
      TestIssuer.key('k2', 'ES256'),
      TestIssuer.key('g1', 'EdDSA'),
    ]);
    acmeIdp.publish(k1);
    const jwksUrl = await acmeIdp.serve();
    const saved = await admin.request('PUT', `${ISSUERS}/acme-idp`, {
      issuer: acmeIdp.issuer,
      audience: acmeIdp.audience,
      jwks_url: jwksUrl,
    });
    expect(saved.status).toBe(200);
    globexIdp.publish(globexKey);
    const globexSaved = await globexAdmin.request('PUT', `${ISSUERS}/sso`, {
      issuer: globexIdp.issuer,
      audience: globexIdp.audience,
      jwks: globexIdp.jwks,
    });
    expect(globexSaved.status).toBe(200);
  });

  afterAll(async () => {
    await acmeIdp.stop();
    await system?.stop();
  });

  const newSession = async (customData: Record<string, string>, client = ingest) => {
    const created = await client.post('/v1/sessions', {
      device_id: `d-${randomUUID()}`,
      custom_data: customData,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; device_id: string };
  };

  it('manages trusted issuers per tenant (admin only), one tenant per issuer and audience, and audits it', async () => {
    const listed = await admin.get(ISSUERS);
    expect(listed.body.data.map((i: { name: string }) => i.name)).toEqual(['acme-idp']);
    expect((await globexAdmin.get(ISSUERS)).body.data.map((i: { name: string }) => i.name)).toEqual(['sso']);
    expect((await globexAdmin.get(`${ISSUERS}/acme-idp`)).status).toBe(404);
    expect((await api.as('read').get(ISSUERS)).status).toBe(403);
    expect((await as(await agent()).get(ISSUERS)).status).toBe(403);
    const taken = await globexAdmin.request('PUT', `${ISSUERS}/copy`, {
      issuer: acmeIdp.issuer,
      audience: acmeIdp.audience,
      jwks: globexIdp.jwks,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('ISSUER_ALREADY_TRUSTED');
    const refused = [
      { issuer: 'x', audience: 'y' },
      { issuer: 'x', audience: 'y', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      { issuer: 'x', audience: 'y', jwks: { keys: [{ ...k1.jwk, d: 'private' }] } },
      { issuer: 'x', audience: 'y', jwks_url: 'ftp://idp.test/keys' },
      { issuer: 'x', audience: 'y', jwks_url: 'http://127.0.0.1:1/nothing-here' },
    ];
    for (const body of refused) {
      const r = await admin.request('PUT', `${ISSUERS}/bad`, body);
      expect([r.status, r.body.code]).toEqual([400, 'INVALID_ISSUER']);
    }
    const temporary = await admin.request('PUT', `${ISSUERS}/temporary`, {
      issuer: 'https://temp.test',
      audience: 'a',
      jwks: { keys: [k2.jwk] },
    });
    expect(temporary.status).toBe(200);
    expect((await admin.request('DELETE', `${ISSUERS}/temporary`)).status).toBe(204);
    expect((await admin.get(`${ISSUERS}/temporary`)).status).toBe(404);
    const audit = await admin.get('/v1/audit');
    const actions = audit.body.data.map((r: { action: string; target: string }) => `${r.action} ${r.target}`);
    expect(actions).toEqual(
      expect.arrayContaining(['issuer.saved acme-idp', 'issuer.saved temporary', 'issuer.deleted temporary']),
    );
    expect(audit.body.data[0].actor).toEqual({ type: 'key', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(JSON.stringify((await globexAdmin.get('/v1/audit')).body)).not.toContain('acme-idp');
  });

  it('documents the routes, their answers and the token refusals in the OpenAPI document', async () => {
    const { body } = await api.get('/docs-json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/issuers', '/v1/auth/issuers/{name}', '/v1/auth/me', '/v1/audit']),
    );
    const unauthorized = body.paths['/v1/sessions'].get.responses['401'].description as string;
    for (const code of [
      'UNAUTHORIZED',
      'TOKEN_EXPIRED',
      'UNKNOWN_SIGNING_KEY',
      'TOKEN_ALGORITHM_NOT_ALLOWED',
    ])
      expect(unauthorized).toContain(code);
    expect(body.paths['/v1/audit'].get.responses['403'].description).toContain('POLICY_FORBIDS');
    expect(Object.keys(body.components.schemas)).toEqual(
      expect.arrayContaining(['TrustedIssuerDto', 'AuditRecordDto', 'WhoAmIDto']),
    );
  });

  it('signs an agent in with a valid token, and refuses every invalid one with 401 and a clear code', async () => {
    const me = await as(await agent({ email: 'ada@acme.test' })).get('/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      tenant: 'acme',
      scopes: ['read'],
      actor: { type: 'agent', sub: 'agent@acme.test', name: 'Ada Agent' },
      agent: { role: 'agent', email: 'ada@acme.test' },
      policy: null,
    });
    expect((await as(await globexIdp.sign(globexKey)).get('/v1/auth/me')).body.tenant).toBe('globex');
    const now = Math.floor(Date.now() / 1000);
    const valid = await agent();
    const [header, payload, signature] = valid.split('.');
    const tampered = `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'administrator' })}.${signature}`;
    const hmacKey = new TextEncoder().encode(await exportSPKI(k1.publicKey as never));
    const { SignJWT } = await import('jose');
    const hs256 = await new SignJWT({
      iss: acmeIdp.issuer,
      aud: acmeIdp.audience,
      sub: 'x',
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(hmacKey);
    const cases: Array<[string, string, string]> = [
      ['expired', await agent({ iat: now - 7200, exp: now - 3600 }), 'TOKEN_EXPIRED'],
      ['not yet valid', await agent({ nbf: now + 600 }), 'TOKEN_NOT_YET_VALID'],
      ['wrong audience', await agent({ aud: 'someone-else' }), 'TOKEN_AUDIENCE_MISMATCH'],
      ['wrong issuer', await agent({ iss: 'https://evil.test' }), 'UNTRUSTED_ISSUER'],
      ['unknown kid', await acmeIdp.sign({ ...k2, kid: 'nobody-knows' }), 'UNKNOWN_SIGNING_KEY'],
      ['alg none', `${b64({ alg: 'none' })}.${payload}.`, 'TOKEN_ALGORITHM_NOT_ALLOWED'],
      [
        'alg none, signed',
        `${b64({ alg: 'none', kid: 'k1' })}.${payload}.${signature}`,
        'TOKEN_ALGORITHM_NOT_ALLOWED',
      ],
      ['HS256 keyed with the public key', hs256, 'TOKEN_ALGORITHM_NOT_ALLOWED'],
      ['tampered payload', tampered, 'INVALID_TOKEN_SIGNATURE'],
      ['longer than 24 h', await agent({ exp: now + 25 * 3600 }), 'TOKEN_LIFETIME_TOO_LONG'],
      ['no exp', await agent({ exp: undefined }), 'INVALID_TOKEN'],
      ['bad role', await agent({ role: 'root' }), 'INVALID_TOKEN'],
      ['bad policy', await agent({ policy: { custom_data: { team: { $ne: 1 } } } }), 'INVALID_TOKEN'],
      ['not JSON', `${b64({ alg: 'RS256' })}.bm90IGpzb24.${signature}`, 'INVALID_TOKEN'],
    ];
    for (const [name, token, code] of cases) {
      const r = await as(token).get('/v1/sessions');
      expect([name, r.status, r.body.code]).toEqual([name, 401, code]);
      expect(r.body.message).toEqual(expect.any(String));
    }
  });

  it('lets an agent read but not edit; an administrator edits, and every change names its actor', async () => {
    const { id } = await newSession({ team: 'emea' });
    const agentClient = as(await agent());
    const boss = as(await administrator());
    await eventually(async () => expect((await agentClient.get(`/v1/sessions/${id}`)).status).toBe(200));
    for (const [method, path, body] of [
      ['PATCH', `/v1/sessions/${id}/metadata`, { note: 'x' }],
      ['POST', `/v1/sessions/${id}/deactivate`, {}],
      ['PUT', '/v1/retention', { ended_session_ttl_seconds: 3600, device_ttl_seconds: 3600 }],
      ['POST', '/v1/webhooks/endpoints', { url: 'https://hooks.test/x' }],
    ] as const) {
      const r = await agentClient.request(method, path, body);
      expect([path, r.status, r.body.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    // Activating without naming an agent names the signed-in one.
    const activated = await boss.post(`/v1/sessions/${id}/activate`, {});
    expect(activated.status).toBe(200);
    expect(activated.body.agents[0]).toMatchObject({ id: 'boss@acme.test', name: 'Bo Boss' });
    expect((await boss.request('PATCH', `/v1/sessions/${id}/metadata`, { note: 'seen' })).status).toBe(200);
    expect((await ingest.post(`/v1/sessions/${id}/deactivate`, {})).status).toBe(200);
    const bossActor = { type: 'agent', sub: 'boss@acme.test', name: 'Bo Boss' };
    const events = (await admin.get(`/v1/sessions/${id}/events`)).body.data;
    expect(events.map((e: { type: string; actor: unknown }) => [e.type, e.actor])).toEqual([
      ['session.created', { type: 'key', id: expect.any(String) }],
      ['session.activated', bossActor],
      ['session.metadata-updated', bossActor],
      ['session.deactivated', { type: 'key', id: events[0].actor.id }],
    ]);
    await eventually(async () => {
      const session = (await agentClient.get(`/v1/sessions/${id}`)).body;
      expect(session).toMatchObject({
        activated_by: bossActor,
        metadata_updated_by: bossActor,
        ended_by: { type: 'key', id: events[0].actor.id },
      });
    });
    const retention = await boss.request('PUT', '/v1/retention', {
      ended_session_ttl_seconds: 1209600,
      device_ttl_seconds: 2592000,
    });
    expect(retention.status).toBe(200);
    const audit = (await boss.get(`/v1/audit?since=${Date.now() - 60_000}`)).body.data;
    expect(audit.at(-1)).toMatchObject({
      action: 'retention.updated',
      actor: bossActor,
      target: 'retention',
    });
  });

  it('pages the audit with a cursor, oldest first, and refuses a made-up cursor', async () => {
    const first = await admin.get('/v1/audit?limit=1');
    expect(first.body.data).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await admin.get(`/v1/audit?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    expect(Date.parse(second.body.data[0].at)).toBeGreaterThanOrEqual(Date.parse(first.body.data[0].at));
    expect((await admin.get('/v1/audit?cursor=nope')).body.code).toBe('INVALID_CURSOR');
    expect((await admin.get(`/v1/audit?since=${Date.now() + 60_000}`)).body).toEqual({
      data: [],
      next_cursor: null,
    });
  });

  /**
   * Every identity against every session and device, through every read route: what it gets
   * must be exactly what its tenant and policy let it see (0 cross-tenant or cross-policy reads).
   */
  it('keeps every identity to its tenant and policy on every read route (the isolation matrix)', async () => {
    const emea = await newSession({ team: 'emea', tier: 'gold' });
    const apac = await newSession({ team: 'apac', tier: 'gold' });
    const globex = await newSession({ team: 'emea', tier: 'gold' }, globexAdmin);
    for (const s of [emea, apac])
      expect((await ingest.post(`/v1/sessions/${s.id}/deactivate`, {})).status).toBe(200);
    expect((await globexAdmin.post(`/v1/sessions/${globex.id}/deactivate`, {})).status).toBe(200);
    // Projected (and the devices tracked) before the matrix reads them.
    await eventually(async () => {
      for (const [client, s] of [
        [admin, emea],
        [admin, apac],
        [globexAdmin, globex],
      ] as const) {
        expect((await client.get(`/v1/sessions/${s.id}`)).body.state).toBe('ended');
        expect((await client.get(`/v1/devices/${s.device_id}`)).status).toBe(200);
      }
    });
    const policy = { custom_data: { team: ['emea', 'amer'], tier: 'gold' } };
    const identities: Array<[string, ApiClient, 'acme' | 'globex', (team: string) => boolean]> = [
      ['acme key', admin, 'acme', () => true],
      ['acme agent', as(await agent()), 'acme', () => true],
      ['acme agent with a policy', as(await agent({ policy })), 'acme', (team) => team === 'emea'],
      [
        'acme administrator with a policy',
        as(await administrator({ policy })),
        'acme',
        (team) => team === 'emea',
      ],
      ['globex key', globexAdmin, 'globex', () => true],
      ['globex agent', as(await globexIdp.sign(globexKey)), 'globex', () => true],
    ];
    const sessions: Array<[string, { id: string; device_id: string }, 'acme' | 'globex', string]> = [
      ['acme emea', emea, 'acme', 'emea'],
      ['acme apac', apac, 'acme', 'apac'],
      ['globex emea', globex, 'globex', 'emea'],
    ];
    const crossReads: string[] = [];
    for (const [who, client, tenant, allows] of identities) {
      const listed = new Set<string>();
      for (const query of ['', 'filter_tier=gold&']) {
        const page = await client.get(`/v1/sessions?${query}limit=1000`);
        for (const s of page.body.data) listed.add(s.id);
      }
      const csv = (await client.get('/v1/sessions/export.csv?filter_tier=gold')).body as string;
      const devices = new Set<string>(
        (await client.get('/v1/devices?limit=1000')).body.data.map((d: { id: string }) => d.id),
      );
      const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream`, {
        authorization: client.authorization!,
      });
      stream.close();
      for (const [what, s, owner, team] of sessions) {
        const visible = owner === tenant && allows(team);
        const seen: Record<string, boolean> = {
          get: (await client.get(`/v1/sessions/${s.id}`)).status === 200,
          events: (await client.get(`/v1/sessions/${s.id}/events`)).status === 200,
          history: (await client.get(`/history/sessions/${s.id}`)).status === 200,
          list: listed.has(s.id),
          count: (await client.get(`/v1/sessions/count?device_id=${s.device_id}`)).body.count === 1,
          export: csv.includes(s.id),
          device: (await client.get(`/v1/devices/${s.device_id}`)).status === 200,
          devices: devices.has(s.device_id),
        };
        const sse = await SseClient.open(`${system.gatewayUrl}/v1/sessions/${s.id}/stream`, {
          authorization: client.authorization!,
        });
        seen.stream = sse.status === 200;
        sse.close();
        for (const [route, got] of Object.entries(seen))
          if (got !== visible) crossReads.push(`${who} ${route} ${what}: ${got ? 'seen' : 'hidden'}`);
      }
    }
    expect(crossReads).toEqual([]);
  });

  it('streams the tenant to an agent with a policy without the sessions outside it', async () => {
    const token = await agent({ policy: { custom_data: { team: 'emea' } } });
    const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream?types=created,deactivated`, {
      authorization: `Bearer ${token}`,
    });
    try {
      const inside = await newSession({ team: 'emea' });
      const outside = await newSession({ team: 'apac' });
      // Moved into the policy after it began: its later events are streamed.
      const movedIn = await newSession({ team: 'apac' });
      expect(
        (await admin.request('PATCH', `/v1/sessions/${movedIn.id}`, { custom_data: { team: 'emea' } }))
          .status,
      ).toBe(200);
      for (const s of [inside, outside, movedIn])
        expect((await ingest.post(`/v1/sessions/${s.id}/deactivate`, {})).status).toBe(200);
      await eventually(async () => expect(stream.events('deactivated')).toHaveLength(2));
      const seen = stream.messages.map((m) => [m.event, JSON.parse(m.data).session_id]);
      expect(seen).toEqual([
        ['created', inside.id],
        ['deactivated', inside.id],
        ['deactivated', movedIn.id],
      ]);
      expect(JSON.stringify(stream.messages)).not.toContain(outside.id);
    } finally {
      stream.close();
    }
  });

  it('refuses what would reach past a policy: new sessions, batches, webhooks, issuers, retention, the audit', async () => {
    const boss = as(await administrator({ policy: { custom_data: { team: 'emea' } } }));
    const batch = {
      events: [{ type: 'session.created', session_id: randomUUID(), data: { device_id: 'd' } }],
    };
    for (const [method, path, body] of [
      ['POST', '/v1/sessions', { device_id: 'd-policy' }],
      ['POST', '/v1/events', batch],
      ['POST', '/v1/devices/d-policy/connections', { connection_id: 'c1' }],
      ['POST', '/v1/webhooks/endpoints', { url: 'https://hooks.test/x' }],
      ['GET', '/v1/webhooks/endpoints', undefined],
      ['PUT', `${ISSUERS}/own`, { issuer: 'https://mine.test', audience: 'me', jwks: { keys: [k2.jwk] } }],
      ['PUT', '/v1/retention', { ended_session_ttl_seconds: 60, device_ttl_seconds: 60 }],
      ['GET', '/v1/audit', undefined],
    ] as const) {
      const r = await boss.request(method, path, body);
      expect([path, r.status, r.body.code]).toEqual([path, 403, 'POLICY_FORBIDS']);
    }
    // Nothing of it happened: no issuer, the retention as it was.
    expect((await admin.get(`${ISSUERS}/own`)).status).toBe(404);
    expect((await admin.get('/v1/retention')).body.ended_session_ttl_seconds).not.toBe(60);
    expect((await boss.get('/v1/retention')).status).toBe(200);
  });

  it('follows key rotation through the JWKS without a restart', async () => {
    expect((await as(await agent()).get('/v1/auth/me')).status).toBe(200);
    acmeIdp.publish(k2);
    const rotated = await acmeIdp.sign(k2, { name: 'Ada Agent' });
    await eventually(async () => expect((await as(rotated).get('/v1/auth/me')).status).toBe(200));
    // The retired key's tokens are refused once the new set is in.
    const retired = await as(await agent()).get('/v1/auth/me');
    expect([retired.status, retired.body.code]).toEqual([401, 'UNKNOWN_SIGNING_KEY']);
    // Made-up kids do not make the service fetch the set once per request.
    const before = acmeIdp.fetches;
    for (let i = 0; i < 20; i++)
      await as(await acmeIdp.sign({ ...k2, kid: `made-up-${i}` })).get('/v1/auth/me');
    expect(acmeIdp.fetches - before).toBeLessThan(20);
  });
});
