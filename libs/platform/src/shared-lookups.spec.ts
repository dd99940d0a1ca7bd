import { SharedLookups } from './shared-lookups';

describe('SharedLookups', () => {
  it('looks a key up once for every caller asking meanwhile, and again once it lapsed', async () => {
    let lookups = 0;
    const lookUp = async () => ++lookups;
    const shared = new SharedLookups<number>(0);
    const many = new SharedLookups<number>(60_000);
    expect(new Set(await Promise.all(Array.from({ length: 300 }, () => many.get('acme', lookUp))))).toEqual(
      new Set([1]),
    );
    expect(lookups).toBe(1);
    await shared.get('acme', lookUp);
    await shared.get('acme', lookUp);
    expect(lookups).toBe(3);
  });

  it('drops a failed lookup, and answers a value set without looking it up', async () => {
    const shared = new SharedLookups<string>(60_000);
    await expect(shared.get('acme', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(shared.get('acme', async () => 'up')).resolves.toBe('up');
    shared.set('globex', 'saved');
    await expect(shared.get('globex', () => Promise.reject(new Error('not asked')))).resolves.toBe('saved');
  });
});
