import { mergeShallow } from './merge';

describe('mergeShallow', () => {
  it('overwrites present keys, adds new ones and keeps unmentioned ones', () => {
    expect(mergeShallow({ a: 1, b: 2 }, { b: 3, c: 4 })).toEqual({ a: 1, b: 3, c: 4 });
  });
  it('deletes a key whose patch value is null', () => {
    expect(mergeShallow({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
  });
  it('replaces nested objects whole', () => {
    expect(mergeShallow({ n: { x: 1, y: 2 } }, { n: { z: 3 } })).toEqual({ n: { z: 3 } });
  });
  it('does not change its inputs', () => {
    const target = { a: 1 };
    mergeShallow(target, { a: null });
    expect(target).toEqual({ a: 1 });
  });
});
