import type { SessionQuery } from '@cobrowse/contracts';
import { compareKeys, IndexPagesStore, MAX_PAGE_ROWS } from '@cobrowse/persistence';
import { memoryCollection } from '@cobrowse/testing';
import type { SessionsRepository } from '../sessions/sessions.repository';
import { sessionListShape } from './list-directory';
import type { ListPagesRepository } from './list-pages.repository';
import { postingShape, type ListPostingsRepository } from './list-postings.repository';
import { keyOfRow, rowOf, type ListedSession, type ListKey, type ListRow } from './list-row';
import { rowFilter } from './row-filter';
import { SessionListReader } from './session-list.reader';
import { SessionListWriter } from './session-list.writer';

const session = (created: number, id: string, state: ListRow['state'], i: number): ListedSession => ({
  id,
  created_at: created,
  state,
  activated_at: state === 'pending' ? null : created + 1,
  ended_at: state === 'ended' ? created + 2 : null,
  device_id: `d${i % 40}`,
  agents: i % 4 === 0 ? [{ id: `a${i % 3}`, joined_at: created + 1 }] : [],
  token: '1',
  tags: [],
  custom_data: { n: created % 3, customer: `c${i % 97}` },
  device: {},
});

/**
 * A tenant's list and postings built through the writer (in a shuffled order, with ties, 97
 * sessions a batch), read back through the reader. `pagesRead()` lists the list's index pages
 * read since the build or `forgetReads()`, `sessionsRead()` the sessions read by `_id`.
 */
async function build(sessions: ListedSession[], { beganBeforePostings = false, keepPages = false } = {}) {
  const list = memoryCollection();
  const shape = beganBeforePostings ? { ...sessionListShape, version: undefined } : sessionListShape;
  const pages = new IndexPagesStore(shape, () => list.collection, { cacheReads: keepPages ? 10_000 : 0 });
  const posted = memoryCollection();
  const postings = new IndexPagesStore(postingShape, () => posted.collection);
  const stored = new Map(sessions.map((s) => [s.id, s]));
  const sessionsRead: string[] = [];
  const repository = {
    findListed: async (_tenant: string, id: string) => (sessionsRead.push(id), stored.get(id) ?? null),
  } as unknown as SessionsRepository;
  const writer = new SessionListWriter(pages as ListPagesRepository, postings as ListPostingsRepository);
  for (let i = 0; i < sessions.length; i += 97) {
    const batch = sessions.slice(i, i + 97).map(rowOf);
    await writer.post(
      'acme',
      batch.map((row) => ({ row, was: null })),
    );
    await writer.apply('acme', { put: batch });
  }
  const forgetReads = () => void ((list.read.length = 0), (sessionsRead.length = 0));
  forgetReads();
  return {
    reader: new SessionListReader(
      pages as ListPagesRepository,
      postings as ListPostingsRepository,
      repository,
    ),
    writer,
    stored,
    postings,
    pagesRead: () => list.read.filter((id) => id !== 'acme:directory'),
    sessionsRead: () => [...sessionsRead],
    forgetReads,
  };
}

const states = ['pending', 'active', 'ended'] as const;
const sessions = Array.from({ length: 4 * MAX_PAGE_ROWS }, (_, i) => {
  const created = i % 11 === 0 ? (i * 7) % 300 : 1_000 + Math.floor(i / 3); // late ones and ties
  return session(created, `s${String((i * 7919) % 10_007).padStart(5, '0')}`, states[i % 3], i);
});
const rows = sessions.map(rowOf);

/** What the list must answer: every match, newest (created_at, id) first. */
const expected = (query: SessionQuery, after?: ListKey) =>
  rows
    .filter((r) => rowFilter(query)(r) && (!after || compareKeys(keyOfRow(r), after) < 0))
    .sort((a, b) => compareKeys(keyOfRow(b), keyOfRow(a)))
    .map((r) => r.id);

async function collect(reader: SessionListReader, query: SessionQuery, after?: ListKey, limit = Infinity) {
  const out: ListRow[] = [];
  for await (const r of reader.rows('acme', query, after)) {
    out.push(r);
    if (out.length >= limit) break;
  }
  return out;
}

describe('SessionListReader', () => {
  it.each<[string, SessionQuery]>([
    ['no filter', {}],
    ['state', { states: ['active', 'ended'] }],
    ['device', { device_id: 'd3' }],
    ['agent', { agent_id: 'a1' }],
    ['custom data', { custom_data: { n: '2' } }],
    ['one customer', { custom_data: { customer: 'c5' } }],
    [
      'one customer, state and time',
      { custom_data: { customer: 'c5' }, states: ['ended'], created_after: 1_100 },
    ],
    ['two terms', { device_id: 'd3', custom_data: { customer: 'c5' } }],
    ['time range', { created_after: 100, created_before: 1_200 }],
  ])('lists every match newest first (%s)', async (_name, query) => {
    const { reader } = await build(sessions);
    expect((await collect(reader, query)).map((r) => r.id)).toEqual(expected(query));
  });

  it('pages with a cursor: every session exactly once, in order', async () => {
    const { reader } = await build(sessions);
    const seen: string[] = [];
    let after: ListKey | undefined;
    for (;;) {
      const page = await collect(reader, {}, after, 50);
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.id));
      after = keyOfRow(page[page.length - 1]);
    }
    expect(seen).toEqual(expected({}));
  });

  it('reads one or two index pages for a page of the newest sessions, and starts at the cursor', async () => {
    const { reader, pagesRead, forgetReads } = await build(sessions);
    await collect(reader, { states: ['pending'] }, undefined, 50);
    expect(pagesRead().length).toBeGreaterThan(0);
    expect(new Set(pagesRead()).size).toBeLessThanOrEqual(3); // two pages, and one read ahead once a walk goes on
    forgetReads();
    const deep = keyOfRow(rows[10]);
    const page = await collect(reader, {}, deep, 50);
    expect(page.map((r) => r.id)).toEqual(expected({}, deep).slice(0, 50));
  });

  it('counts by state from the counters and with other filters from the rows', async () => {
    const { reader, pagesRead } = await build(sessions);
    expect(await reader.count('acme', { states: ['ended'] })).toBe(expected({ states: ['ended'] }).length);
    expect(pagesRead()).toEqual([]);
    expect(await reader.count('acme', {})).toBe(rows.length);
    expect(await reader.count('acme', { device_id: 'd1' })).toBe(expected({ device_id: 'd1' }).length);
  });

  it("reads a rare term's postings and its sessions by _id, not the list", async () => {
    const { reader, pagesRead, sessionsRead } = await build(sessions);
    const rare: SessionQuery[] = [{ device_id: 'd3' }, { custom_data: { customer: 'c5' } }];
    for (const query of rare) {
      expect(await reader.count('acme', query)).toBe(expected(query).length);
      expect(pagesRead()).toEqual([]);
    }
    expect(sessionsRead().length).toBe(rare.map((q) => expected(q).length).reduce((a, b) => a + b));
  });

  it('walks the list when a term is common, or when the list began before postings', async () => {
    const common = await build(sessions);
    expect(await common.reader.count('acme', { custom_data: { n: '1' } })).toBe(
      expected({ custom_data: { n: '1' } }).length,
    );
    expect(common.pagesRead().length).toBeGreaterThan(0);
    expect(common.sessionsRead()).toEqual([]);

    const upgraded = await build(sessions, { beganBeforePostings: true });
    expect((await collect(upgraded.reader, { device_id: 'd3' })).map((r) => r.id)).toEqual(
      expected({ device_id: 'd3' }),
    );
    expect(upgraded.sessionsRead()).toEqual([]);
  });

  it("walks the list's pages kept in memory rather than read a rare term's sessions one by one", async () => {
    const query = { device_id: 'd3' };
    const inDatabase = await build(sessions);
    expect(await inDatabase.reader.count('acme', query)).toBe(expected(query).length);
    expect(inDatabase.sessionsRead().length).toBe(expected(query).length);

    const kept = await build(sessions, { keepPages: true }); // the pages it wrote
    expect(await kept.reader.count('acme', query)).toBe(expected(query).length);
    expect((await collect(kept.reader, query)).map((r) => r.id)).toEqual(expected(query));
    expect(kept.sessionsRead()).toEqual([]);
    expect(kept.pagesRead()).toEqual([]);
  });

  it('takes a session out of the postings of a term it lost, and out of all when it is removed', async () => {
    const { reader, writer, stored, postings } = await build(sessions);
    const postingCount = async (term: string) =>
      ((await postings.directory(`acme|${term}`))?.pages ?? []).reduce((n, p) => n + p.counts.rows, 0);
    const before = sessions.find((s) => s.custom_data.customer === 'c5')!;
    const after = { ...before, custom_data: { ...before.custom_data, customer: 'c6' } };
    await writer.post('acme', [{ row: rowOf(after), was: rowOf(before) }]);
    stored.set(after.id, after);
    await writer.apply('acme', { put: [rowOf(after)] });
    const ids = async (query: SessionQuery) => (await collect(reader, query)).map((r) => r.id);
    expect(await ids({ custom_data: { customer: 'c5' } })).not.toContain(before.id);
    expect(await ids({ custom_data: { customer: 'c6' } })).toContain(before.id);
    const c5 = await postingCount('["c","customer","c5"]');
    expect(c5).toBe(sessions.filter((s) => s.custom_data.customer === 'c5').length - 1);

    const device = `["d","${before.device_id}"]`;
    const onDevice = await postingCount(device);
    await writer.apply('acme', { remove: [keyOfRow(before)] });
    expect(await postingCount(device)).toBe(onDevice - 1);
    expect(await postingCount('["c","customer","c6"]')).toBe(
      sessions.filter((s) => s.custom_data.customer === 'c6').length,
    );
  });
});
