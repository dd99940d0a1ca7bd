import type { SessionQuery } from '@cobrowse/contracts';
import { compareKeys, MAX_PAGE_ROWS } from '@cobrowse/persistence';
import { memoryIndex } from '@cobrowse/testing';
import { sessionListShape } from './list-directory';
import type { ListPagesRepository } from './list-pages.repository';
import { keyOfRow, type ListKey, type ListRow } from './list-row';
import { rowFilter } from './row-filter';
import { SessionListReader } from './session-list.reader';

const row = (created: number, id: string, state: ListRow['state']): ListRow => ({
  id,
  created_at: created,
  state,
  activated_at: state === 'pending' ? null : created + 1,
  ended_at: state === 'ended' ? created + 2 : null,
  device_id: `d${created % 5}`,
  agent_ids: [],
  token: '1',
  tags: [],
  custom_data: { n: created % 3 },
  device: {},
  first_agent: null,
});

/** Pages built through the store (in a shuffled order, with ties), read back through the reader. */
async function build(rows: ListRow[]) {
  const { store, pagesRead, forgetReads } = await memoryIndex(sessionListShape, 'acme', rows, 97);
  return { reader: new SessionListReader(store as ListPagesRepository), pagesRead, forgetReads };
}

const states = ['pending', 'active', 'ended'] as const;
const rows = Array.from({ length: 4 * MAX_PAGE_ROWS }, (_, i) => {
  const created = i % 11 === 0 ? (i * 7) % 300 : 1_000 + Math.floor(i / 3); // late ones and ties
  return row(created, `s${String((i * 7919) % 10_007).padStart(5, '0')}`, states[i % 3]);
});

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
    ['custom data', { custom_data: { n: '2' } }],
    ['time range', { created_after: 100, created_before: 1_200 }],
  ])('lists every match newest first (%s)', async (_name, query) => {
    const { reader } = await build(rows);
    expect((await collect(reader, query)).map((r) => r.id)).toEqual(expected(query));
  });

  it('pages with a cursor: every session exactly once, in order', async () => {
    const { reader } = await build(rows);
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
    const { reader, pagesRead, forgetReads } = await build(rows);
    await collect(reader, { states: ['pending'] }, undefined, 50);
    expect(pagesRead().length).toBeGreaterThan(0);
    expect(new Set(pagesRead()).size).toBeLessThanOrEqual(2 + 4); // the page and its read-ahead
    forgetReads();
    const deep = keyOfRow(rows[10]);
    const page = await collect(reader, {}, deep, 50);
    expect(page.map((r) => r.id)).toEqual(expected({}, deep).slice(0, 50));
  });

  it('counts by state from the counters and with other filters from the rows', async () => {
    const { reader, pagesRead } = await build(rows);
    expect(await reader.count('acme', { states: ['ended'] })).toBe(expected({ states: ['ended'] }).length);
    expect(pagesRead()).toEqual([]);
    expect(await reader.count('acme', {})).toBe(rows.length);
    expect(await reader.count('acme', { device_id: 'd1' })).toBe(expected({ device_id: 'd1' }).length);
  });
});
