import { parseSessionQuery } from './session-query.parser';

const parse = (raw: Record<string, unknown>) => parseSessionQuery(raw, { paging: true });
const error = (raw: Record<string, unknown>) => {
  try {
    parse(raw);
  } catch (e) {
    return e as { statusCode: number; code: string; details: unknown[] };
  }
  throw new Error('expected a 400');
};

describe('parseSessionQuery', () => {
  it('reads every filter', () => {
    expect(
      parse({
        state: ['pending', 'active,ended'],
        filter_tier: 'gold',
        device_id: 'd',
        agent_id: 'a',
        token: '123456789',
        created_after: '2024-01-01T00:00:00Z',
        ended_before: '1700000000000',
        tags: 'a+(b,c)',
        limit: '10',
        cursor: 'abc',
      }),
    ).toEqual({
      query: {
        states: ['pending', 'active', 'ended'],
        custom_data: { tier: 'gold' },
        device_id: 'd',
        agent_id: 'a',
        token: '123456789',
        created_after: Date.parse('2024-01-01T00:00:00Z'),
        ended_before: 1700000000000,
        tags: 'a+(b,c)',
      },
      limit: 10,
      cursor: 'abc',
    });
  });

  it('defaults limit to 50', () => {
    expect(parse({})).toEqual({ query: {}, limit: 50 });
  });

  it.each([
    [{ state: 'open' }, 'state'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '5.5' }, 'limit'],
    [{ created_after: 'last week' }, 'created_after'],
    [{ device_id: ['a', 'b'] }, 'device_id'],
    [{ 'filter_a.b': 'x' }, 'filter_a.b'],
    [{ filter_: 'x' }, 'filter_'],
    [{ sort: 'asc' }, 'sort'],
  ])('refuses %j naming %s', (raw, field) => {
    const e = error(raw);
    expect(e.statusCode).toBe(400);
    expect(e.code).toBe('INVALID_QUERY');
    expect(e.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers INVALID_TAG_EXPRESSION with the position', () => {
    const e = error({ tags: 'a+(b' });
    expect(e.code).toBe('INVALID_TAG_EXPRESSION');
    expect(e.details).toEqual([{ field: 'tags', position: 4 }]);
  });

  it('takes no paging parameters where there is no paging', () => {
    expect(() => parseSessionQuery({ limit: '5' }, { paging: false })).toThrow();
  });
});
