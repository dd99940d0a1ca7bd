import type { SessionQuery } from '@cobrowse/contracts';
import type { ListRow } from './list-row';
import { MAX_TERM_LENGTH, termsOfQuery, termsOfRow } from './list-terms';
import { rowFilter } from './row-filter';

const row = (over: Partial<ListRow> = {}): ListRow => ({
  id: 's1',
  created_at: 1,
  state: 'active',
  activated_at: 2,
  ended_at: null,
  device_id: 'd1',
  agent_ids: ['a1', 'a2'],
  token: '1',
  tags: [],
  custom_data: { tier: 3, plan: 'gold', beta: true, ratio: 0.5 },
  device: {},
  first_agent: null,
  ...over,
});

describe('list terms', () => {
  it.each<[string, SessionQuery]>([
    ['device', { device_id: 'd1' }],
    ['agent', { agent_id: 'a2' }],
    ['number as text', { custom_data: { tier: '3' } }],
    ['boolean', { custom_data: { beta: 'true' } }],
    ['fraction', { custom_data: { ratio: '0.5' } }],
    ['several', { device_id: 'd1', custom_data: { plan: 'gold', tier: '3' } }],
  ])('a session a query matches has every term of the query (%s)', (_name, query) => {
    expect(rowFilter(query)(row())).toBe(true);
    const terms = termsOfRow(row());
    expect(termsOfQuery(query).length).toBeGreaterThan(0);
    for (const term of termsOfQuery(query)) expect(terms.has(term)).toBe(true);
  });

  it('has one term per device, agent and custom data value, and tells keys from values', () => {
    expect(termsOfRow(row()).size).toBe(1 + 2 + 4); // the device, two agents, four scalar values
    expect(termsOfRow(row({ custom_data: { 'a=b': 'c' } }))).not.toEqual(
      termsOfRow(row({ custom_data: { a: 'b=c' } })),
    );
  });

  it('leaves out terms too long to post, on both sides alike', () => {
    const long = 'x'.repeat(MAX_TERM_LENGTH);
    expect([...termsOfRow(row({ custom_data: { note: long } }))].some((t) => t.includes(long))).toBe(false);
    expect(termsOfQuery({ custom_data: { note: long } })).toEqual([]);
  });
});
