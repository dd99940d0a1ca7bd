import { matchesTagExpression, parseTagExpression, TagExpressionError } from './tag-expression';

const matches = (expression: string, tags: string[]) =>
  matchesTagExpression(parseTagExpression(expression), tags);

describe('tag expressions', () => {
  describe('the SPEC examples', () => {
    it('premium,(basic+verified)', () => {
      expect(parseTagExpression('premium,(basic+verified)')).toEqual({
        kind: 'or',
        operands: [
          { kind: 'tag', tag: 'premium' },
          {
            kind: 'and',
            operands: [
              { kind: 'tag', tag: 'basic' },
              { kind: 'tag', tag: 'verified' },
            ],
          },
        ],
      });
      expect(matches('premium,(basic+verified)', ['premium'])).toBe(true);
      expect(matches('premium,(basic+verified)', ['basic', 'verified', 'x'])).toBe(true);
      expect(matches('premium,(basic+verified)', ['basic'])).toBe(false);
    });

    it('(region-us,region-eu)+(v2,v3)', () => {
      expect(matches('(region-us,region-eu)+(v2,v3)', ['region-eu', 'v3'])).toBe(true);
      expect(matches('(region-us,region-eu)+(v2,v3)', ['region-eu', 'v1'])).toBe(false);
      expect(matches('(region-us,region-eu)+(v2,v3)', ['region-apac', 'v2'])).toBe(false);
    });

    it('(entitle-a@entitle-b@entitle-c),no-entitlement-required', () => {
      const e = '(entitle-a@entitle-b@entitle-c),no-entitlement-required';
      expect(parseTagExpression(e)).toEqual({
        kind: 'or',
        operands: [
          { kind: 'subset', tags: ['entitle-a', 'entitle-b', 'entitle-c'] },
          { kind: 'tag', tag: 'no-entitlement-required' },
        ],
      });
      expect(matches(e, ['entitle-a', 'entitle-c'])).toBe(true);
      expect(matches(e, ['entitle-a', 'other'])).toBe(false);
      expect(matches(e, ['other', 'no-entitlement-required'])).toBe(true);
    });
  });

  it('binds @ tighter than + and + tighter than ,', () => {
    expect(parseTagExpression('a,b+c@d')).toEqual({
      kind: 'or',
      operands: [
        { kind: 'tag', tag: 'a' },
        {
          kind: 'and',
          operands: [
            { kind: 'tag', tag: 'b' },
            { kind: 'subset', tags: ['c', 'd'] },
          ],
        },
      ],
    });
  });

  it('ignores white space and matches case-sensitively', () => {
    expect(parseTagExpression(' a \t+ ( b , c ) ')).toEqual(parseTagExpression('a+(b,c)'));
    expect(matches('VIP', ['vip'])).toBe(false);
  });

  it('takes any character but the operators and white space in names', () => {
    expect(parseTagExpression('région:eu/1.x')).toEqual({ kind: 'tag', tag: 'région:eu/1.x' });
  });

  it('matches untagged sessions with every expression', () => {
    expect(matches('a+b', [])).toBe(true);
  });

  it.each([
    ['', 0],
    ['   ', 0],
    ['a,', 2],
    ['a++b', 2],
    ['(a,b', 4],
    ['a)', 1],
    ['(a,b)@c', 5],
    ['a@(b)', 2],
    ['a@', 2],
    [',a', 0],
    ['a b)', 3],
  ])('rejects %j at position %i', (expression, position) => {
    let error: unknown;
    try {
      parseTagExpression(expression);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TagExpressionError);
    expect((error as TagExpressionError).position).toBe(position);
  });
});
