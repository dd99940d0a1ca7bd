import { buildSessionFilter, customDataCandidates } from './session-filter';
import { afterCursor, decodeCursor, encodeCursor } from './session-cursor';

describe('buildSessionFilter', () => {
  it('is the tenant alone without filters', () => {
    expect(buildSessionFilter('acme', {})).toEqual({ tenant: 'acme' });
  });

  it('combines every filter with AND', () => {
    expect(
      buildSessionFilter('acme', {
        states: ['pending', 'active'],
        device_id: 'd1',
        agent_id: 'a1',
        token: '123456789',
        custom_data: { tier: '3' },
        created_after: 10,
        created_before: 20,
        ended_before: 30,
        tags: 'vip',
      }),
    ).toEqual({
      $and: [
        { tenant: 'acme' },
        { state: { $in: ['pending', 'active'] } },
        { device_id: 'd1' },
        { 'agents.id': 'a1' },
        { token: '123456789' },
        { 'custom_data.tier': { $in: ['3', 3] } },
        { created_at: { $gte: 10, $lt: 20 } },
        { ended_at: { $lt: 30 } },
        { $or: [{ tags: { $size: 0 } }, { tags: 'vip' }] },
      ],
    });
  });

  it('answers INVALID_TAG_EXPRESSION with the position', () => {
    expect(() => buildSessionFilter('acme', { tags: 'a+' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TAG_EXPRESSION', details: [{ position: 2 }] }),
    );
  });
});

describe('customDataCandidates', () => {
  it.each([
    ['gold', ['gold']],
    ['3', ['3', 3]],
    ['3.0', ['3.0']],
    ['-1.5', ['-1.5', -1.5]],
    ['true', ['true', true]],
    ['', ['']],
  ])('%j → %j', (value, candidates) => expect(customDataCandidates(value)).toEqual(candidates));
});

describe('session cursor', () => {
  it('round-trips and selects what comes after', () => {
    const cursor = decodeCursor(encodeCursor({ created_at: 5, id: 'b' }));
    expect(cursor).toEqual({ created_at: 5, id: 'b' });
    expect(afterCursor(cursor)).toEqual({
      $or: [{ created_at: { $lt: 5 } }, { created_at: 5, id: { $lt: 'b' } }],
    });
  });

  it.each([
    '',
    'abc',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["x","y"]').toString('base64url'),
  ])('rejects %j as INVALID_CURSOR', (cursor) =>
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' })),
  );
});
