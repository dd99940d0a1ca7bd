import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import * as client from '@cobrowse/client';
import {
  CobrowseClient,
  CobrowseError,
  RelayClient,
  type EventEnvelope,
  type Session,
} from '@cobrowse/client';
import { Webhook } from 'standardwebhooks';
import {
  ApiClient,
  eventually,
  listedSessionIds,
  TcpProxy,
  TEST_KEYS,
  TestIssuer,
  TestSystem,
  WebhookReceiver,
} from '@cobrowse/testing';
import { clientShapes, interfaceKeys, queryParameters, schemaShape } from './openapi-contract';

jest.setTimeout(600_000);

/** The agent side of the packed client against the real system, compared with raw REST answers. */
describe('@cobrowse/client, agent side', () => {
  let system: TestSystem;
  let rest: ApiClient;
  let cobrowse: CobrowseClient;
  const run = randomUUID().slice(0, 8);
  const SESSIONS = 2_500;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    rest = new ApiClient(system.gatewayUrl).as('admin');
    cobrowse = new CobrowseClient({ url: system.gatewayUrl, apiKey: TEST_KEYS.admin });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const restIds = (query: string) => listedSessionIds(rest, query);

  describe('types', () => {
    it('match the OpenAPI document the gateway serves', async () => {
      const document = (await rest.get('/docs-json')).body;
      const pairs: Array<[string, string]> = [
        ['SessionResource', 'SessionResourceDto'],
        ['SessionAgent', 'SessionAgentDto'],
        ['SessionPage', 'SessionPageDto'],
        ['EventEnvelope', 'EventEnvelopeDto'],
        ['GenesysHistory', 'GenesysHistoryDto'],
        ['GenesysPage', 'GenesysPageDto'],
        ['DeviceResource', 'DeviceResourceDto'],
        ['Connection', 'ConnectionResourceDto'],
        ['ExpectedDisconnect', 'ExpectedDisconnectResourceDto'],
        ['DeviceInfo', 'DeviceInfoDto'],
        ['Agent', 'AgentDto'],
        ['ErrorBody', 'ErrorResponseDto'],
        ['RetentionPolicy', 'RetentionPolicyDto'],
        ['WebhookEndpoint', 'WebhookEndpointDto'],
        ['WebhookEndpointWithSecret', 'WebhookEndpointWithSecretDto'],
        ['WebhookAttempt', 'WebhookAttemptDto'],
      ];
      const shapes = clientShapes();
      for (const [type, schema] of pairs) {
        expect({ type, shape: shapes.get(type) }).toEqual({ type, shape: schemaShape(document, schema) });
      }
      expect(interfaceKeys('SessionFilters')).toEqual(queryParameters(document, '/v1/sessions'));
      expect(interfaceKeys('DeviceFilters')).toEqual(queryParameters(document, '/v1/devices'));
    });
  });

  describe('listing', () => {
    beforeAll(async () => {
      // Every other session is active: more than 1,000 active sessions, for the count below.
      const events = Array.from({ length: SESSIONS }, (_, i) => {
        const session_id = randomUUID();
        const created = {
          type: 'session.created',
          session_id,
          data: {
            device_id: `dev-${run}-${i % 40}`,
            custom_data: { run, team: ['red', 'blue', 'green', 'gold', 'grey'][i % 5] },
          },
        };
        const activated = {
          type: 'session.activated',
          session_id,
          data: { agent: { id: `agent-${i % 7}` } },
        };
        return i % 2 === 0 ? [created, activated] : [created];
      }).flat();
      for (let i = 0; i < events.length; i += 500) {
        const r = await rest.post('/v1/events', { events: events.slice(i, i + 500) });
        expect(r.body.results.every((x: { status: string }) => x.status === 'accepted')).toBe(true);
      }
      await eventually(async () => {
        const r = await rest.get(`/v1/sessions/count?filter_run=${run}&state=active`);
        expect(r.body.count).toBe(SESSIONS / 2);
      }, 300_000);
    });

    it(`iterates all ${SESSIONS} sessions with filters, exactly as REST pages them`, async () => {
      const all: string[] = [];
      for await (const session of cobrowse.sessions.list({ filter_run: run, limit: 300 }))
        all.push(session.id);
      expect(all).toHaveLength(SESSIONS);
      expect(new Set(all).size).toBe(SESSIONS);
      expect(all).toEqual(await restIds(`filter_run=${run}`));

      const filtered: Session[] = [];
      for await (const s of cobrowse.sessions.list({
        filter_run: run,
        filter_team: 'blue',
        state: ['active'],
        agent_id: 'agent-3',
      }))
        filtered.push(s);
      expect(filtered.map((s) => s.id)).toEqual(
        await restIds(`filter_run=${run}&filter_team=blue&state=active&agent_id=agent-3`),
      );
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.every((s) => s.custom_data.team === 'blue' && s.state === 'active')).toBe(true);
      // A session from the client is the REST resource, plus methods (an active session's length
      // grows between the two reads, so it is left out).
      const timeless = ({ length_seconds: _l, formatted_length: _f, ...rest }: Record<string, unknown>) =>
        rest;
      const one = filtered[0];
      expect(timeless({ ...one.toJSON() })).toEqual(
        timeless((await rest.get(`/v1/sessions/${one.id}`)).body),
      );
    });

    it('pages one page at a time and counts as REST does', async () => {
      const first = await cobrowse.sessions.list({ filter_run: run, limit: 100 });
      expect(first.data).toHaveLength(100);
      const second = await first.next();
      expect(second!.data.map((s) => s.id)).toEqual((await restIds(`filter_run=${run}`)).slice(100, 200));
      const active = await cobrowse.sessions.count({ state: 'active' });
      expect(active).toBe((await rest.get('/v1/sessions/count?state=active')).body.count);
      expect(active).toBeGreaterThan(1000);
    });

    it('exports the same CSV as REST', async () => {
      const stream = await cobrowse.sessions.exportCsv({ filter_run: run, filter_team: 'gold' });
      const csv = await new Response(stream).text();
      const raw = await fetch(
        `${system.gatewayUrl}/v1/sessions/export.csv?filter_run=${run}&filter_team=gold`,
        {
          headers: { authorization: `Bearer ${TEST_KEYS.admin}` },
        },
      );
      expect(csv).toBe(await raw.text());
      expect(csv.trim().split('\n')).toHaveLength(SESSIONS / 5 + 1);
    });

    it('reports errors as CobrowseError with the service code', async () => {
      const error = await cobrowse.sessions.get(randomUUID()).catch((e) => e);
      expect(error).toBeInstanceOf(CobrowseError);
      expect(error).toMatchObject({ status: 404, code: 'SESSION_NOT_FOUND' });
      const bad = await cobrowse.sessions.count({ tags: 'a AND (' }).catch((e) => e);
      expect(bad).toMatchObject({ status: 400 });
      const readOnly = new CobrowseClient({ url: system.gatewayUrl, apiKey: TEST_KEYS.read });
      const session = (await readOnly.sessions.list({ filter_run: run, limit: 1 })).data[0];
      expect(await session.update({ custom_data: { x: 1 } }).catch((e) => e)).toMatchObject({ status: 403 });
    });
  });

  describe('a live session', () => {
    it('sees every event once, in order, across a dropped connection and a gateway restart', async () => {
      const proxy = await TcpProxy.start(Number(new URL(system.gatewayUrl).port));
      const viaProxy = new CobrowseClient({ url: `http://127.0.0.1:${proxy.port}`, apiKey: TEST_KEYS.read });
      const relay = new RelayClient({ url: system.gatewayUrl, apiKey: TEST_KEYS.ingest, lingerMs: 0 });
      const { session_id } = await relay.sessionCreated({ device_id: `dev-${run}-live` });
      await relay.activated(session_id, { agent: { id: 'agent-live' } });
      const session = await eventually(() => viaProxy.sessions.get(session_id));

      const updated: number[] = [];
      const pages: string[] = [];
      session.on('updated', (current, event) => {
        expect(current.version).toBeGreaterThanOrEqual(event.version);
        updated.push(event.version);
      });
      session.on('session.page-entered', (event: EventEnvelope) => pages.push(String(event.data.url)));
      const visit = async (from: number, to: number) => {
        for (let i = from; i <= to; i++) await relay.pageEntered(session_id, { url: `https://a.test/${i}` });
        await eventually(async () => expect(updated).toHaveLength(to + 2), 120_000);
      };

      await visit(1, 5);
      proxy.drop();
      await visit(6, 10);
      await system.killReplica('gateway', 1);
      const during = relay.pageEntered(session_id, { url: 'https://a.test/11' }); // retried until the gateway is back
      system.restartReplica('gateway', 1);
      await during;
      await visit(12, 15);

      expect(updated).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
      expect(pages).toEqual(Array.from({ length: 15 }, (_, i) => `https://a.test/${i + 1}`));
      await session.close();
      await relay.close();
      await proxy.close();
    });

    it("says 'ended' only once the read model shows the end, though the end's answer came first", async () => {
      const relay = new RelayClient({ url: system.gatewayUrl, apiKey: TEST_KEYS.ingest, lingerMs: 0 });
      const { session_id } = await relay.sessionCreated({ device_id: `dev-${run}-end` });
      await relay.activated(session_id, { agent: { id: 'agent-end' } });
      await relay.close();
      const session = await eventually(async () => {
        const s = await cobrowse.sessions.get(session_id);
        expect(s.state).toBe('active');
        return s;
      });
      await system.kill('history-projector');
      await session.end(); // the write side's answer: the read model has not seen it
      let ended = false;
      const endedSeen = new Promise<void>((resolve) =>
        session.on('ended', () => {
          ended = true;
          resolve();
        }),
      );
      // The stream replays the session from its log, the end included.
      await new Promise<void>((resolve) => session.on('session.deactivated', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(ended).toBe(false);
      await system.restart('history-projector');
      await endedSeen;
      expect((await rest.get(`/v1/sessions/${session_id}`)).body.state).toBe('ended');
      await session.close();
    });

    it('follows the tenant, resumes from a position, and reads a device', async () => {
      const seen: string[] = [];
      const subscription = cobrowse.sessions.subscribe(
        { types: ['session.deactivated'], filter_run: run },
        (event) => {
          seen.push(event.session_id);
        },
      );
      const relay = new RelayClient({ url: system.gatewayUrl, apiKey: TEST_KEYS.ingest });
      const ids = (await restIds(`filter_run=${run}&state=active`)).slice(0, 50);
      // The tenant stream starts at the present: end sessions until the subscription sees one.
      let next = 0;
      await eventually(async () => {
        await relay.deactivated(ids[next++], { reason: 'agent' });
        await eventually(async () => expect(seen).toContain(ids[next - 1]), 3_000);
      });
      const position = subscription.position;
      await subscription.close();
      await relay.deactivated(ids[next]);
      const resumed: string[] = [];
      const again = cobrowse.sessions.subscribe(
        { types: ['deactivated'], filter_run: run, after: position },
        (e) => {
          resumed.push(e.session_id);
        },
      );
      await eventually(async () => expect(resumed).toEqual([ids[next]]));
      await again.close();

      await relay.connectionOpened({
        device_id: `dev-${run}-0`,
        connection_id: 'tab-1',
        current_url: 'https://a.test/d',
      });
      const polling = new CobrowseClient({
        url: system.gatewayUrl,
        apiKey: TEST_KEYS.read,
        devicePollMs: 200,
      });
      const device = await eventually(async () => {
        const d = await polling.devices.get(`dev-${run}-0`);
        expect(d.is_online).toBe(true);
        return d;
      });
      expect(device.toJSON()).toEqual(
        expect.objectContaining({ id: `dev-${run}-0`, last_url: 'https://a.test/d' }),
      );
      const listed: string[] = [];
      for await (const d of cobrowse.devices.list({ online: true, limit: 10 })) listed.push(d.id);
      expect(listed).toContain(`dev-${run}-0`);
      const presence: boolean[] = [];
      device.on('updated', (d) => presence.push(d.is_online));
      await relay.connectionClosed({ device_id: `dev-${run}-0`, connection_id: 'tab-1' });
      await relay.close();
      await eventually(async () => expect(presence).toContain(false));
      device.close();
    });
  });

  describe('webhooks', () => {
    it('manages an endpoint, and verifyWebhook accepts its deliveries as the reference library does', async () => {
      const receiver = await WebhookReceiver.start();
      try {
        const endpoint = await cobrowse.webhooks.create({
          url: receiver.url('/client'),
          event_types: ['session.created'],
          filter: { run },
        });
        expect(endpoint.secret).toMatch(/^whsec_/);
        expect((await cobrowse.webhooks.list()).map((e) => e.id)).toContain(endpoint.id);
        expect(await cobrowse.webhooks.update(endpoint.id, { description: 'client' })).toMatchObject({
          description: 'client',
          enabled: true,
        });
        await rest.post('/v1/sessions', { device_id: `webhook-${run}`, custom_data: { run } });
        const hook = await eventually(async () => {
          const [got] = receiver.at('/client');
          expect(got).toBeDefined();
          return got;
        });
        const headers = hook.headers as Record<string, string>;
        const delivery = await client.verifyWebhook(endpoint.secret, headers, hook.body);
        expect(delivery).toEqual(new Webhook(endpoint.secret).verify(hook.body, headers));
        expect(delivery.data).toMatchObject({ type: 'session.created' });
        await expect(
          client.verifyWebhook(endpoint.secret, headers, hook.body.replace('created', 'ended')),
        ).rejects.toBeInstanceOf(client.WebhookVerificationError);
        await expect(
          client.verifyWebhook(endpoint.secret, headers, hook.body, { now: Date.now() + 3_600_000 }),
        ).rejects.toThrow(/tolerance/);
        const rotated = await cobrowse.webhooks.rotateSecret(endpoint.id);
        const testId = await cobrowse.webhooks.test(endpoint.id);
        const test = await eventually(async () => {
          const got = receiver.at('/client').find((h) => h.headers['webhook-id'] === testId);
          expect(got).toBeDefined();
          return got!;
        });
        for (const secret of [endpoint.secret, rotated.secret])
          await client.verifyWebhook(secret, test.headers as Record<string, string>, test.body);
        await eventually(async () => {
          const attempts = [];
          for await (const a of cobrowse.webhooks.attempts(endpoint.id, { limit: 1 })) attempts.push(a);
          expect(attempts.map((a) => a.type)).toEqual(['webhook.test', 'session.created']);
        });
        await cobrowse.webhooks.delete(endpoint.id);
        await expect(cobrowse.webhooks.get(endpoint.id)).rejects.toMatchObject({
          status: 404,
          code: 'WEBHOOK_ENDPOINT_NOT_FOUND',
        });
      } finally {
        await receiver.stop();
      }
    });
  });

  describe('the README', () => {
    it('runs every example as written', async () => {
      const readme = readFileSync(join(__dirname, '../../libs/client/README.md'), 'utf8');
      const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
      expect(blocks.length).toBeGreaterThan(5);
      const imported = new Set<string>();
      // Between blocks the test may wait for what a reader would find there after a moment (the projection).
      const body = blocks
        .map((block, i) => `${block}\nawait checkpoint(${i});`)
        .join('\n')
        .replace(/^import \{([^}]+)\} from '@cobrowse\/client';$/gm, (_line, names: string) => {
          names.split(',').forEach((n) => imported.add(n.trim()));
          return '';
        });
      expect(body).not.toMatch(/^import /m);
      const script = ts.transpileModule(
        `async function readme(lib, process, console, checkpoint) {\nconst { ${[...imported].join(', ')} } = lib;\n${body}\n}`,
        { compilerOptions: { target: ts.ScriptTarget.ES2022 } },
      ).outputText;
      const lines: string[] = [];
      const console = { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) };
      const env = {
        COBROWSE_URL: system.gatewayUrl,
        COBROWSE_API_KEY: TEST_KEYS.admin,
        COBROWSE_INGEST_KEY: TEST_KEYS.ingest,
      };
      let activeAtCount = -1;
      const checkpoint = async (block: number) => {
        if (block === 0)
          await eventually(async () => {
            const r = await rest.get('/v1/sessions?filter_user_id=u-7');
            expect(r.body.data.map((s: { version: number }) => s.version)).toEqual([3]);
            expect((await rest.get('/v1/devices/device-42')).body.is_online).toBe(true);
          });
        if (block === 2) activeAtCount = (await rest.get('/v1/sessions/count?state=active')).body.count;
      };
      await new Function(`${script}\nreturn readme;`)()(client, { env }, console, checkpoint);

      const found = lines.filter((l) => l.startsWith('found ')).map((l) => l.split(' ')[1]);
      expect(found).toHaveLength(1);
      expect(lines).toContain(`active sessions ${activeAtCount}`);
      expect(Number(lines.find((l) => l.startsWith('active sessions'))!.split(' ')[2])).toBeGreaterThan(1000);
      expect(lines).toEqual(
        expect.arrayContaining([
          'first page 1 false',
          'page https://shop.example.com/cart',
          'updated session.metadata-updated 4 true',
          'updated session.deactivated 6 true',
          'ended ended',
          'history pages 1',
          'events session.created session.activated session.page-entered session.metadata-updated session.metadata-updated session.deactivated',
          'csv lines 2',
          'device online true 1',
          'webhook secret true function',
          'error 404 SESSION_NOT_FOUND',
        ]),
      );
      const session = (await rest.get(`/v1/sessions/${found[0]}`)).body;
      expect(session).toMatchObject({
        state: 'ended',
        custom_data: { ticket: 'T-1001' },
        metadata: { note: 'called back' },
      });
    });
  });

  describe('agent tokens', () => {
    it('signs in with a token, refreshes it once when it is refused, and sees what the policy lets it see', async () => {
      const idp = new TestIssuer('https://idp.client.test', 'cobrowse-client');
      const key = await TestIssuer.key('c1', 'EdDSA');
      idp.publish(key);
      await cobrowse.issuers.put('client-idp', {
        issuer: idp.issuer,
        audience: idp.audience,
        jwks: idp.jwks,
      });
      const now = Math.floor(Date.now() / 1000);
      const policy = { custom_data: { team: 'emea' } };
      const expired = await idp.sign(key, { name: 'Ada', policy, iat: now - 7200, exp: now - 3600 });
      let refreshed = 0;
      const agent = new CobrowseClient({
        url: system.gatewayUrl,
        token: expired,
        refreshToken: async () => {
          refreshed++;
          return idp.sign(key, { name: 'Ada', policy });
        },
      });
      const [me, again] = await Promise.all([agent.whoAmI(), agent.whoAmI()]);
      expect(refreshed).toBe(1);
      expect(me).toMatchObject({
        tenant: 'acme',
        actor: { type: 'agent', name: 'Ada' },
        policy: { custom_data: { team: ['emea'] } },
      });
      expect(again.tenant).toBe('acme');
      const inside = await rest.post('/v1/sessions', {
        device_id: `d-${run}-in`,
        custom_data: { team: 'emea', token_run: run },
      });
      const outside = await rest.post('/v1/sessions', {
        device_id: `d-${run}-out`,
        custom_data: { team: 'apac', token_run: run },
      });
      await eventually(async () => expect(await restIds(`filter_token_run=${run}`)).toHaveLength(2));
      const seen = await agent.sessions.list({ filter_token_run: run });
      expect(seen.data.map((s) => s.id)).toEqual([inside.body.id]);
      const hidden = await agent.sessions.get(outside.body.id).catch((e: unknown) => e);
      expect(hidden).toBeInstanceOf(CobrowseError);
      expect((hidden as CobrowseError).code).toBe('SESSION_NOT_FOUND');
      const refused = new CobrowseClient({ url: system.gatewayUrl, token: expired });
      const error = await refused.whoAmI().catch((e: unknown) => e);
      expect((error as CobrowseError).code).toBe('TOKEN_EXPIRED');
      const audit = await cobrowse.audit({ since: new Date(Date.now() - 60_000).toISOString() });
      expect(audit.data.map((r) => r.action)).toContain('issuer.saved');
    });
  });
});
