import type { SessionQuery } from '@cobrowse/contracts';
import type { ListRow } from './list-row';
import { isStateOnly, rowFilter } from './row-filter';

const row = (over: Partial<ListRow> = {}): ListRow => ({
  id: 's1',
  created_at: 15,
  state: 'ended',
  activated_at: 16,
  ended_at: 25,
  device_id: 'd1',
  agent_ids: ['a1'],
  token: '123456789',
  tags: ['vip'],
  custom_data: { tier: 3, plan: 'gold', beta: true },
  device: {},
  first_agent: null,
  ...over,
});

/**
 * Every field of a session query, with a value the row above matches and one it does not.
 * Typed as a Record over SessionQuery's keys: a new filter fails to compile here until it
 * says how the index pages answer it (no query shape can silently scan the collection).
 */
const SHAPES: Record<keyof SessionQuery, [SessionQuery, SessionQuery]> = {
  states: [{ states: ['ended', 'active'] }, { states: ['pending'] }],
  custom_data: [{ custom_data: { tier: '3', plan: 'gold', beta: 'true' } }, { custom_data: { tier: '3.0' } }],
  device_id: [{ device_id: 'd1' }, { device_id: 'd2' }],
  agent_id: [{ agent_id: 'a1' }, { agent_id: 'a2' }],
  token: [{ token: '123456789' }, { token: '987654321' }],
  created_after: [{ created_after: 15 }, { created_after: 16 }],
  created_before: [{ created_before: 16 }, { created_before: 15 }],
  activated_after: [{ activated_after: 16 }, { activated_after: 17 }],
  activated_before: [{ activated_before: 17 }, { activated_before: 16 }],
  ended_after: [{ ended_after: 25 }, { ended_after: 26 }],
  ended_before: [{ ended_before: 26 }, { ended_before: 25 }],
  tags: [{ tags: 'vip,(basic+verified)' }, { tags: 'basic' }],
  policy: [
    { policy: { custom_data: { plan: ['silver', 'gold'], tier: ['3'] } } },
    { policy: { custom_data: { plan: ['gold'], region: ['eu'] } } },
  ],
};

describe('rowFilter: every query shape is answered from the index pages', () => {
  it.each(Object.entries(SHAPES))('%s', (_field, [match, miss]) => {
    expect(rowFilter(match)(row())).toBe(true);
    expect(rowFilter(miss)(row())).toBe(false);
  });

  it('combines filters with AND', () => {
    expect(rowFilter({ device_id: 'd1', agent_id: 'a2' })(row())).toBe(false);
    expect(rowFilter({})(row())).toBe(true);
  });

  it('never matches a time range on a time the session does not have', () => {
    expect(rowFilter({ ended_before: 100 })(row({ ended_at: null, state: 'active' }))).toBe(false);
  });

  it('treats untagged sessions as global and checks SUBSET exactly', () => {
    expect(rowFilter({ tags: 'x' })(row({ tags: [] }))).toBe(true);
    expect(rowFilter({ tags: 'vip@gold' })(row({ tags: ['vip', 'silver'] }))).toBe(false);
  });

  it('does not see inherited properties as custom data', () => {
    expect(rowFilter({ custom_data: { constructor: 'x' } })(row())).toBe(false);
  });

  it('answers INVALID_TAG_EXPRESSION with the position', () => {
    expect(() => rowFilter({ tags: 'a+' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TAG_EXPRESSION', details: [{ position: 2 }] }),
    );
  });

  it('knows which queries the counters answer alone', () => {
    expect(isStateOnly({})).toBe(true);
    expect(isStateOnly({ states: ['active'] })).toBe(true);
    expect(isStateOnly({ states: ['active'], device_id: 'd' })).toBe(false);
  });
});
