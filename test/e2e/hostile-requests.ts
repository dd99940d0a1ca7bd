import { TEST_KEYS } from '@cobrowse/testing';

/** One generated request: over HTTP (SSE routes are opened and dropped) or to `cobrowse.ingest`. */
export interface HostileRequest {
  index: number;
  kind: 'http' | 'sse' | 'nats';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  describe: string;
}

interface Route {
  method: string;
  path: string;
}

/** mulberry32: small, seedable, good enough to vary inputs reproducibly. */
class Random {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.int(256)));
  }

  uuid(): string {
    const hex = this.bytes(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

/** NATS refuses a message (headers included) over 1 MB before it leaves the client; the Authorization header may be 10 KB. */
const NATS_BODY_LIMIT = 1024 * 1024 - 16 * 1024;
const CONTROL = ['\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t'];
const OPERATORS = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, ['$in', 1]];

/**
 * Hostile requests from a seed: the same seed gives the same requests, so a failing case
 * can be replayed with HOSTILE_SEED.
 */
export class HostileRequests {
  private readonly random: Random;
  private readonly routes: Route[];
  /** JSON texts too deep to build as objects here (the test's own JSON.stringify would overflow). */
  private raws: string[] = [];

  constructor(
    seed: number,
    openApi: { paths: Record<string, Record<string, unknown>> },
    private readonly sessionIds: string[],
  ) {
    this.random = new Random(seed);
    this.routes = Object.entries(openApi.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  }

  next(index: number): HostileRequest {
    this.raws = [];
    const r = this.random;
    if (r.chance(0.12)) return this.natsIngest(index);
    const route = r.pick(this.routes);
    const path = this.fillPath(route.path) + this.query(route.path);
    const kind = route.path.endsWith('stream') ? 'sse' : 'http';
    const headers = this.headers(route.method);
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)
      ? this.body(route.path)
      : undefined;
    return {
      index,
      kind,
      method: route.method,
      path,
      headers,
      body,
      describe: `${route.method} ${path.slice(0, 160)} headers=${JSON.stringify(headers).slice(0, 160)} body=${(body ?? '').slice(0, 160)}`,
    };
  }

  private natsIngest(index: number): HostileRequest {
    let body = this.r.chance(0.15) ? this.malformedJson() : this.serialize(this.batch());
    if (body.length > NATS_BODY_LIMIT) body = body.slice(0, NATS_BODY_LIMIT);
    const headers: Record<string, string> = {};
    const auth = this.authorization();
    if (auth !== undefined) headers.Authorization = auth;
    return {
      index,
      kind: 'nats',
      method: 'REQUEST',
      path: 'cobrowse.ingest',
      headers,
      body,
      describe: `cobrowse.ingest auth=${String(auth).slice(0, 40)} body=${body.slice(0, 200)}`,
    };
  }

  private get r(): Random {
    return this.random;
  }

  private fillPath(template: string): string {
    return template.replace(/\{\w+\}/g, () => {
      const r = this.r;
      const choices = [
        () => r.pick(this.sessionIds),
        () => r.uuid(),
        () => r.pick(this.sessionIds).toUpperCase(),
        () => 'not-a-uuid',
        () => encodeURIComponent('..' + '/'.repeat(3) + 'etc'),
        () => '%00',
        () => '%E0%A4%A',
        () => 'a'.repeat(r.int(2000)),
        () => encodeURIComponent('$where'),
        () => encodeURIComponent(r.pick(CONTROL) + 'x'),
        () => encodeURIComponent('fuzz-device-1'),
        () => encodeURIComponent('a.b*>'),
        () => encodeURIComponent('𝄞é'),
      ];
      return r.pick(choices)();
    });
  }

  private query(template: string): string {
    const r = this.r;
    if (r.chance(0.3)) return '';
    const names = [
      'state',
      'filter_tier',
      'filter_$where',
      'filter_a.b',
      'filter_',
      'device_id',
      'agent_id',
      'token',
      'tags',
      'limit',
      'cursor',
      'created_after',
      'ended_before',
      'types',
      'online',
      'seen_after',
      'last_event_id',
      'colour',
      'state[$ne]',
      '__proto__',
      encodeURIComponent(r.pick(CONTROL)),
    ];
    const pairs: string[] = [];
    const count = 1 + r.int(template.includes('stream') ? 3 : 5);
    for (let i = 0; i < count; i++) {
      const name = r.pick(names);
      pairs.push(
        `${name.includes('%') ? name : encodeURIComponent(name)}=${encodeURIComponent(this.queryValue(name))}`,
      );
    }
    return `?${pairs.join('&').slice(0, 12_000)}`;
  }

  private queryValue(name: string): string {
    const r = this.r;
    const values = [
      () => 'gold',
      () => 'active,ended',
      () => 'pending,bogus',
      () => String(r.int(3000) - 500),
      () => '1e309',
      () => String(2 ** 53 + 10),
      () => '2024-02-30',
      () => '9999-12-31T23:59:59.999Z',
      () => '0001-01-01',
      () => '('.repeat(r.int(6000)),
      () => 'a+(b,c@d)' + ')'.repeat(r.int(5)),
      () => 'x'.repeat(r.int(5000)),
      () => r.pick(CONTROL) + 'v',
      () =>
        Buffer.from(
          r.pick(['[1e400,"x"]', '["x",1]', '[null,[]]', '[1,"' + 'i'.repeat(5000) + '"]']),
        ).toString('base64url'),
      () => Buffer.from(JSON.stringify({ $gt: 1 })).toString('base64url'),
      () => r.bytes(r.int(64)).toString('base64url'),
      () => 'true',
      () => 'maybe',
      () => '𝄞é',
    ];
    if (name === 'tags' && r.chance(0.5)) return r.pick(values.slice(9, 11))();
    return r.pick(values)();
  }

  private authorization(): string | undefined {
    const r = this.r;
    return r.pick([
      `Bearer ${TEST_KEYS.ingest}`,
      `Bearer ${TEST_KEYS.read}`,
      `Bearer ${TEST_KEYS.admin}`,
      `Bearer ${TEST_KEYS.admin}`,
      `Bearer ${TEST_KEYS.otherTenantAdmin}`,
      undefined,
      'Bearer',
      'Basic YWRtaW46YWRtaW4=',
      `Bearer ${'k'.repeat(r.int(10_000))}`,
      `bearer   ${TEST_KEYS.admin}   `,
      `Bearer ${TEST_KEYS.admin} extra`,
      `Bearer ${this.hostileJwt()}`,
      `Bearer ${this.hostileJwt()}`,
    ]);
  }

  /** Bearer tokens shaped like JWTs, none of them valid: the verifier must answer 401, never a 5xx. */
  private hostileJwt(): string {
    const r = this.r;
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'https://idp.test', aud: 'cobrowse', sub: 'a', iat: now, exp: now + 60 };
    const deep = (depth: number) =>
      Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)).toString('base64url');
    return r.pick([
      () => `${part({ alg: 'none' })}.${part(claims)}.`,
      () => `${part({ alg: 'HS256' })}.${part(claims)}.${r.bytes(32).toString('base64url')}`,
      () =>
        `${part({ alg: 'RS256', kid: 'k'.repeat(r.int(3000)) })}.${part(claims)}.${r.bytes(256).toString('base64url')}`,
      () => `${part({ alg: ['RS256'] })}.${part(claims)}.sig`,
      () => `${part({ alg: 'RS256' })}.${deep(1 + r.int(2500))}.sig`,
      () => `${deep(1 + r.int(2500))}.${part(claims)}.sig`,
      () =>
        `${part({ alg: 'ES256' })}.${part({ ...claims, policy: { custom_data: { a: [[[{ $ne: 1 }]]] } } })}.sig`,
      () => `${part({ alg: 'EdDSA' })}.${part({ ...claims, iss: { $gt: '' }, aud: [1, null] })}.sig`,
      () => `${part({ alg: 'RS256' })}.${r.bytes(r.int(6000)).toString('base64url')}.sig`,
      () =>
        `${r.bytes(8).toString('base64url')}.${r.bytes(8).toString('base64url')}.${r.bytes(8).toString('base64url')}`,
      () => `${part({ alg: 'RS256' })}.${part('just a string')}.sig`,
      () => 'e30.e30.',
    ])();
  }

  private headers(method: string): Record<string, string> {
    const r = this.r;
    const headers: Record<string, string> = {};
    const auth = this.authorization();
    if (auth !== undefined) headers.authorization = auth;
    if (method !== 'GET' || r.chance(0.1))
      headers['content-type'] = r.pick([
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=utf-16',
        'application/merge-patch+json',
        'text/plain',
        'application/x-www-form-urlencoded',
      ]);
    if (r.chance(0.15)) headers['last-event-id'] = r.pick(['-1', '1e5', 'abc', '9'.repeat(40), '', '12']);
    if (r.chance(0.1))
      headers['if-match'] = r.pick(['"1"', 'W/"2"', '*', 'nope', '"' + '9'.repeat(30) + '"']);
    if (r.chance(0.1)) headers['idempotency-key'] = r.pick(['k1', 'has space', 'x'.repeat(300)]);
    if (r.chance(0.05)) headers['content-encoding'] = r.pick(['gzip', 'br', 'identity', 'bogus']);
    if (r.chance(0.03)) headers['x-padding'] = 'p'.repeat(r.int(20_000));
    return headers;
  }

  private body(path: string): string {
    const r = this.r;
    if (r.chance(0.12)) return this.malformedJson();
    if (r.chance(0.04)) return JSON.stringify({ pad: 'x'.repeat(1_050_000 + r.int(100_000)) });
    if (r.chance(0.03)) return '['.repeat(20_000 + r.int(100_000));
    if (r.chance(0.05)) return JSON.stringify(r.pick([[], 'string', null, 42, [{}]]));
    const template = path.includes('/v1/events')
      ? this.batch()
      : path.includes('retention')
        ? { ended_session_ttl_seconds: 3600, device_ttl_seconds: 7200 }
        : path.includes('metadata')
          ? { note: 'x', nested: { a: [1] } }
          : path.includes('connections')
            ? { connection_id: 'tab', current_url: 'https://a.test/', has_focus: true }
            : this.sessionFields();
    return this.serialize(this.mutate(template));
  }

  /** JSON text of a generated value, with the raw pieces put in place. */
  private serialize(value: unknown): string {
    return JSON.stringify(value).replace(/"__raw_(\d+)__"/g, (_, i: string) => this.raws[Number(i)]);
  }

  private raw(text: string): string {
    this.raws.push(text);
    return `__raw_${this.raws.length - 1}__`;
  }

  private sessionFields(): Record<string, unknown> {
    return {
      device_id: 'fuzz-device-1',
      agent: { id: 'agent-1', name: 'A' },
      url: 'https://shop.test/p',
      reason: 'agent',
      custom_data: { tier: 'gold' },
      metadata: { a: 1 },
      tags: ['vip'],
      occurred_at: Date.now() - 1000,
    };
  }

  private batch(): Record<string, unknown> {
    const r = this.r;
    const size = r.pick([0, 1, 2, 5, 50, 500, 501, 1 + r.int(20)]);
    const types = [
      'session.created',
      'session.activated',
      'session.page-entered',
      'session.deactivated',
      'session.metadata-updated',
      'connection.opened',
      'connection.heartbeat',
      'connection.closed',
      'session.exploded',
    ];
    const events: Array<Record<string, unknown>> = Array.from({ length: size }, () => ({
      event_id: r.chance(0.5) ? `fuzz-${r.int(1000)}` : undefined,
      type: r.pick(types),
      session_id: r.chance(0.7) ? r.pick(this.sessionIds) : r.uuid(),
      occurred_at: r.pick([Date.now(), Date.now() + 3_600_000, 2 ** 53, -1, '2024-02-30', undefined]),
      data: {
        device_id: r.pick(['fuzz-device-1', 'fuzz-device-2', 'bad.id', '']),
        connection_id: r.pick(['tab', 'tab-2']),
        url: 'https://shop.test/x',
        agent: { id: 'a' },
        metadata: { k: 'v' },
        reason: 'device',
        expected_disconnect: { return_time_seconds: r.pick([10, -5, 1e12, 'soon']) },
      },
    }));
    // A few hostile items among ordinary ones: each must be refused alone.
    for (let i = 0; events.length && i < 1 + r.int(3); i++) {
      const at = r.int(events.length);
      events[at] = this.mutate(events[at]);
    }
    return this.mutate({ events });
  }

  /** Replaces a few values, anywhere in the document, with hostile ones. */
  private mutate(value: Record<string, unknown>): Record<string, unknown> {
    const r = this.r;
    const copy = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
    const rounds = r.int(3);
    for (let i = 0; i < rounds; i++) {
      const target = this.randomObject(copy);
      const keys = Object.keys(target);
      const key =
        r.chance(0.7) && keys.length
          ? r.pick(keys)
          : r.pick(['__proto__', 'constructor', '$set', 'a.b', 'k\u0000', 'new']);
      target[key] = this.hostileValue();
    }
    return copy;
  }

  private randomObject(root: Record<string, unknown>): Record<string, unknown> {
    let current = root;
    for (let depth = 0; depth < 4 && this.r.chance(0.5); depth++) {
      const children = Object.values(current).filter(
        (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
      );
      if (!children.length) break;
      current = this.r.pick(children);
    }
    return current;
  }

  private hostileValue(): unknown {
    const r = this.r;
    const depth = r.pick([5, 33, 65, 2_000, 3_000, 20_000]);
    const generators: Array<() => unknown> = [
      () => 'x'.repeat(r.int(200_000)),
      () => (r.int(2) ? 2 ** 53 : -(2 ** 31)),
      () => 1.5,
      () => null,
      () => true,
      () => [],
      () => structuredClone(r.pick(OPERATORS)),
      () => this.raw('['.repeat(depth) + ']'.repeat(depth)),
      () => this.raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
      () => Object.fromEntries(Array.from({ length: r.int(60_000) }, (_, i) => [`k${i}`, i])),
      () => this.raw('{"constructor":1,"__proto__":{"polluted":true},"prototype":2}'),
      () => `${r.pick(CONTROL)}ctl${r.pick(CONTROL)}`,
      () => '\ud800lone surrogate',
      () => '𝄞'.repeat(r.int(1000)),
      () => 'javascript:alert(1)',
      () => '=cmd|calc',
    ];
    return r.pick(generators)();
  }

  private malformedJson(): string {
    const r = this.r;
    return r.pick([
      '{"events":[',
      '{"a":1,}',
      "{'single':1}",
      'NaN',
      '{"a":1e999999}',
      '\u0000\u0001',
      '{"a":"\\ud800"}',
      '{"a":"\\x41"}',
      '['.repeat(100_000),
      '{"a":' + '"x'.repeat(1000),
      '',
    ]);
  }
}
