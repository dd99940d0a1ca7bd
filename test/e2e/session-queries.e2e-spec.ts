import { randomUUID } from 'node:crypto';
import { ApiClient, eventually, TestSystem } from '@cobrowse/testing';

/** Every query of SPEC section 5 (Sessions) and its errors, against the projected read model. */
describe('session queries', () => {
  let system: TestSystem;
  let ingest: ApiClient;
  let reader: ApiClient;
  let admin: ApiClient;
  const ids: Record<string, string> = {};

  const create = async (name: string, body: Record<string, unknown>) => {
    const r = await ingest.post('/v1/sessions', { device_id: 'dev-a', ...body });
    expect(r.status).toBe(201);
    ids[name] = r.body.id;
    return r.body;
  };
  const list = async (query: string) => {
    const r = await reader.get(`/v1/sessions?${query}`);
    expect(r.status).toBe(200);
    return r.body as { data: Array<{ id: string }>; next_cursor: string | null };
  };
  const names = (page: { data: Array<{ id: string }> }) =>
    page.data.map((s) => Object.keys(ids).find((k) => ids[k] === s.id) ?? s.id);

  beforeAll(async () => {
    system = await TestSystem.start();
    const api = new ApiClient(system.gatewayUrl);
    ingest = api.as('ingest');
    reader = api.as('read');
    admin = api.as('admin');

    // s1 oldest … s6 newest
    await create('s1', {
      occurred_at: '2024-01-01T10:00:00Z',
      tags: ['premium'],
      custom_data: { tier: 'gold' },
    });
    await create('s2', {
      occurred_at: '2024-01-02T10:00:00Z',
      tags: ['basic', 'verified'],
      custom_data: { tier: 3 },
    });
    await create('s3', { occurred_at: '2024-01-03T10:00:00Z', tags: ['basic'], device_id: 'dev-b' });
    await create('s4', { occurred_at: '2024-01-04T10:00:00Z', custom_data: { vip: true } });
    await create('s5', { occurred_at: '2024-01-05T10:00:00Z', tags: ['entitle-a', 'entitle-b'] });
    await create('s6', { occurred_at: '2024-01-06T10:00:00Z', tags: ['entitle-a', 'other'] });
    await ingest.post(`/v1/sessions/${ids.s2}/activate`, {
      agent: { id: 'agent-1' },
      occurred_at: '2024-01-02T10:01:00Z',
    });
    await ingest.post(`/v1/sessions/${ids.s3}/activate`, {
      agent: { id: 'agent-2' },
      occurred_at: '2024-01-03T10:01:00Z',
    });
    await ingest.post(`/v1/sessions/${ids.s3}/deactivate`, { occurred_at: '2024-01-03T10:30:00Z' });
    await eventually(async () =>
      expect((await reader.get(`/v1/sessions/${ids.s3}`)).body.state).toBe('ended'),
    );
    await eventually(async () =>
      expect((await reader.get(`/v1/sessions/${ids.s2}`)).body.state).toBe('active'),
    );
  });

  afterAll(async () => system?.stop());

  it('lists newest created_at first', async () => {
    expect(names(await list(''))).toEqual(['s6', 's5', 's4', 's3', 's2', 's1']);
  });

  it('filters by state, repeated or comma-separated', async () => {
    expect(names(await list('state=ended'))).toEqual(['s3']);
    expect(names(await list('state=active&state=ended'))).toEqual(['s3', 's2']);
    expect(names(await list('state=active,ended'))).toEqual(['s3', 's2']);
  });

  it('filters by custom data, compared as a string', async () => {
    expect(names(await list('filter_tier=gold'))).toEqual(['s1']);
    expect(names(await list('filter_tier=3'))).toEqual(['s2']);
    expect(names(await list('filter_vip=true'))).toEqual(['s4']);
    expect(names(await list('filter_tier=silver'))).toEqual([]);
  });

  it('filters by device, agent and token', async () => {
    expect(names(await list('device_id=dev-b'))).toEqual(['s3']);
    expect(names(await list('agent_id=agent-1'))).toEqual(['s2']);
    const token = (await reader.get(`/v1/sessions/${ids.s5}`)).body.token;
    expect(names(await list(`token=${token}`))).toEqual(['s5']);
  });

  it('filters by the six time bounds (after inclusive, before exclusive), ISO or epoch ms', async () => {
    expect(names(await list('created_after=2024-01-05T10:00:00Z'))).toEqual(['s6', 's5']);
    expect(names(await list(`created_before=${Date.parse('2024-01-02T10:00:00Z')}`))).toEqual(['s1']);
    expect(names(await list('activated_after=2024-01-03T00:00:00Z'))).toEqual(['s3']);
    expect(names(await list('activated_before=2024-01-03T00:00:00Z'))).toEqual(['s2']);
    expect(names(await list('ended_after=2024-01-01T00:00:00Z&ended_before=2024-01-04T00:00:00Z'))).toEqual([
      's3',
    ]);
  });

  it('filters by tag expression; untagged sessions match every expression', async () => {
    expect(names(await list(`tags=${encodeURIComponent('premium,(basic+verified)')}`))).toEqual([
      's4',
      's2',
      's1',
    ]);
    expect(names(await list(`tags=${encodeURIComponent('entitle-a@entitle-b@entitle-c')}`))).toEqual([
      's5',
      's4',
    ]);
    expect(names(await list(`tags=${encodeURIComponent('basic + (verified , premium)')}`))).toEqual([
      's4',
      's2',
    ]);
  });

  it('combines filters', async () => {
    expect(names(await list(`state=pending&tags=basic&device_id=dev-a`))).toEqual(['s4']);
  });

  it('pages with a cursor, stable under concurrent inserts', async () => {
    const first = await list('limit=2');
    expect(names(first)).toEqual(['s6', 's5']);
    // A session created now is newer than everything: it must not shift the pages that follow.
    await create('late', { occurred_at: Date.now() });
    await eventually(async () => expect((await reader.get(`/v1/sessions/${ids.late}`)).status).toBe(200));
    const second = await list(`limit=2&cursor=${first.next_cursor}`);
    expect(names(second)).toEqual(['s4', 's3']);
    const third = await list(`limit=2&cursor=${second.next_cursor}`);
    expect(names(third)).toEqual(['s2', 's1']);
    expect(third.next_cursor).toBeNull();
  });

  it('breaks ties in created_at by id, so equal timestamps are neither skipped nor repeated', async () => {
    const at = '2023-06-01T00:00:00Z';
    const twins = [];
    for (let i = 0; i < 5; i++)
      twins.push((await create(`twin${i}`, { occurred_at: at, device_id: 'twins' })).id);
    await eventually(async () => expect((await list('device_id=twins')).data).toHaveLength(5));
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await list(`device_id=twins&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((s) => s.id));
      cursor = page.next_cursor ?? '';
    } while (cursor);
    expect(seen).toEqual([...twins].sort().reverse());
  });

  it('counts with the same filters', async () => {
    expect((await reader.get('/v1/sessions/count?state=ended&tags=basic')).body).toEqual({ count: 1 });
    expect(
      (
        await reader.get(
          `/v1/sessions/count?tags=${encodeURIComponent('entitle-a@entitle-b')}&device_id=dev-a&created_before=2024-02-01`,
        )
      ).body,
    ).toEqual({
      count: 2,
    });
    expect((await reader.get('/v1/sessions/count?filter_tier=gold')).body).toEqual({ count: 1 });
  });

  it('answers 400 with a code for bad parameters', async () => {
    const cases: Array<[string, string]> = [
      ['state=open', 'INVALID_QUERY'],
      ['limit=0', 'INVALID_QUERY'],
      ['limit=1001', 'INVALID_QUERY'],
      ['created_after=soon', 'INVALID_QUERY'],
      ['colour=blue', 'INVALID_QUERY'],
      ['cursor=garbage', 'INVALID_CURSOR'],
      [`tags=${encodeURIComponent('a+(b')}`, 'INVALID_TAG_EXPRESSION'],
    ];
    for (const [query, code] of cases) {
      const r = await reader.get(`/v1/sessions?${query}`);
      expect([query, r.status, r.body.code]).toEqual([query, 400, code]);
    }
    const tagError = await reader.get(`/v1/sessions?tags=${encodeURIComponent('(a,b)@c')}`);
    expect(tagError.body.details).toEqual([{ field: 'tags', position: 5 }]);
    expect((await reader.get('/v1/sessions/count?limit=5')).status).toBe(400);
  });

  it("serves the session's events in order", async () => {
    const { status, body } = await reader.get(`/v1/sessions/${ids.s3}/events`);
    expect(status).toBe(200);
    expect(body.data.map((e: { type: string; version: number }) => [e.type, e.version])).toEqual([
      ['session.created', 1],
      ['session.activated', 2],
      ['session.deactivated', 3],
    ]);
    expect((await reader.get(`/v1/sessions/${randomUUID()}/events`)).status).toBe(404);
    expect(
      (await new ApiClient(system.gatewayUrl).as('otherTenantAdmin').get(`/v1/sessions/${ids.s3}/events`))
        .status,
    ).toBe(404);
  });

  it('renders expires_at 14 days after the recorded end, and none for open sessions', async () => {
    const ended = (await reader.get(`/v1/sessions/${ids.s3}`)).body;
    const expires = Date.parse(ended.expires_at);
    expect(expires).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);
    expect((await reader.get(`/v1/sessions/${ids.s2}`)).body.expires_at).toBeNull();
  });

  it('never shows another tenant any of it', async () => {
    const other = new ApiClient(system.gatewayUrl).as('otherTenantAdmin');
    expect((await other.get('/v1/sessions')).body).toEqual({ data: [], next_cursor: null });
    expect((await other.get('/v1/sessions/count')).body).toEqual({ count: 0 });
  });

  describe('metadata and custom data', () => {
    it('merges metadata shallowly: overwrite, add, keep, null deletes, nested replaced', async () => {
      const id = (await create('meta', { metadata: { a: 1, b: { x: 1 }, keep: true } })).id;
      const r = await admin.request('PATCH', `/v1/sessions/${id}/metadata`, {
        a: 2,
        b: { y: 2 },
        c: 'new',
        keep: undefined,
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ metadata: { a: 2, b: { y: 2 }, keep: true, c: 'new' }, version: 2 });
      const del = await admin.request('PATCH', `/v1/sessions/${id}/metadata`, { a: null });
      expect(del.body).toEqual({ metadata: { b: { y: 2 }, keep: true, c: 'new' }, version: 3 });
      await eventually(async () =>
        expect((await reader.get(`/v1/sessions/${id}`)).body.metadata).toEqual({
          b: { y: 2 },
          keep: true,
          c: 'new',
        }),
      );
    });

    it('merges custom data through PATCH /v1/sessions/{id}, values strings, numbers or booleans', async () => {
      const id = (await create('custom', { custom_data: { plan: 'free', seats: 1 } })).id;
      const r = await admin.request('PATCH', `/v1/sessions/${id}`, {
        custom_data: { seats: 5, plan: null, ok: true },
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ custom_data: { seats: 5, ok: true }, version: 2 });
      const bad = await admin.request('PATCH', `/v1/sessions/${id}`, { custom_data: { nested: { no: 1 } } });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });

    it('answers 412 VERSION_MISMATCH for a stale If-Match and applies a current one', async () => {
      const id = (await create('ifmatch', {})).id;
      const stale = await admin.request(
        'PATCH',
        `/v1/sessions/${id}/metadata`,
        { a: 1 },
        { 'if-match': '"7"' },
      );
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      const fresh = await admin.request(
        'PATCH',
        `/v1/sessions/${id}/metadata`,
        { a: 1 },
        { 'if-match': '"1"' },
      );
      expect(fresh.status).toBe(200);
      expect(fresh.body.version).toBe(2);
    });

    it('answers 413 METADATA_TOO_LARGE and changes nothing when the merge reaches 10 KB', async () => {
      const id = (await create('big', { metadata: { a: 'x'.repeat(6000) } })).id;
      const r = await admin.request('PATCH', `/v1/sessions/${id}/metadata`, { b: 'y'.repeat(6000) });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('METADATA_TOO_LARGE');
      expect((await reader.get(`/v1/sessions/${id}/events`)).body.data).toHaveLength(1);
    });

    it('answers 400 for keys with "." or a leading "$", and for a body that is not an object', async () => {
      const id = (await create('keys', {})).id;
      for (const body of [{ 'a.b': 1 }, { $set: 1 }, [1, 2]]) {
        const r = await admin.request('PATCH', `/v1/sessions/${id}/metadata`, body);
        expect(r.status).toBe(400);
      }
    });

    it('works on ended sessions, needs the admin scope, and hides other tenants', async () => {
      expect(
        (await admin.request('PATCH', `/v1/sessions/${ids.s3}/metadata`, { note: 'after' })).status,
      ).toBe(200);
      expect((await reader.request('PATCH', `/v1/sessions/${ids.s3}/metadata`, { note: 'x' })).status).toBe(
        403,
      );
      expect(
        (await ingest.request('PATCH', `/v1/sessions/${ids.s3}`, { custom_data: { a: 1 } })).status,
      ).toBe(403);
      const other = new ApiClient(system.gatewayUrl).as('otherTenantAdmin');
      expect((await other.request('PATCH', `/v1/sessions/${ids.s3}/metadata`, { note: 'x' })).status).toBe(
        404,
      );
    });
  });
});
