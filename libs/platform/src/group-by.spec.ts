import { groupBy } from './group-by';

describe('groupBy', () => {
  it('groups by key, keeping each group in order', () => {
    const grouped = groupBy(['a1', 'b1', 'a2', 'b2', 'c1'], (s) => s[0]);
    expect([...grouped]).toEqual([
      ['a', ['a1', 'a2']],
      ['b', ['b1', 'b2']],
      ['c', ['c1']],
    ]);
  });
});
