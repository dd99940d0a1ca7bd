import { splitBySize } from './lifecycle.client';

describe('splitBySize', () => {
  it('keeps order and puts every item in exactly one run within the size', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(i * 10) }));
    const parts = splitBySize(items, 2_000);
    expect(parts.flat()).toEqual(items);
    for (const part of parts.filter((p) => p.length > 1))
      expect(JSON.stringify(part).length).toBeLessThanOrEqual(2_000 + part.length);
  });

  it('gives an item larger than the size a run of its own', () => {
    expect(splitBySize(['a'.repeat(100), 'b'], 10)).toEqual([['a'.repeat(100)], ['b']]);
  });
});
