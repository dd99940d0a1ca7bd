import { customDataMatches, matchesCustomData } from './custom-data-filter';

describe('customDataMatches compares as a string', () => {
  it.each([
    ['gold', 'gold', true],
    [3, '3', true],
    [3, '3.0', false],
    [-1.5, '-1.5', true],
    [true, 'true', true],
    [false, 'true', false],
    [null, 'null', false],
    [{ a: 1 }, '[object Object]', false],
    [['x'], 'x', false],
  ])('%j vs %j → %j', (stored, value, expected) => expect(customDataMatches(stored, value)).toBe(expected));
});

describe('matchesCustomData', () => {
  it('needs every key to match, and never matches an inherited property', () => {
    expect(matchesCustomData({ plan: 'gold', n: 3 }, { plan: 'gold', n: '3' })).toBe(true);
    expect(matchesCustomData({ plan: 'gold' }, { plan: 'gold', n: '3' })).toBe(false);
    expect(matchesCustomData({}, { toString: 'x' })).toBe(false);
    expect(matchesCustomData({ a: 1 }, {})).toBe(true);
  });
});
