import { Binary } from 'mongodb';
import { packJson, unpackJson } from './packed-json';

describe('packed JSON', () => {
  it('keeps small values as JSON and deflates large ones, giving back exactly what was packed', () => {
    const small = { 'a.b': ['\u0000', { $set: null }], n: 1.5, text: '🙂' };
    const large = Array.from({ length: 500 }, (_, i) => ({ id: `row-${i}`, plan: 'gold', at: i }));
    const packedSmall = packJson(small);
    const packedLarge = packJson(large);
    expect(String.fromCharCode(packedSmall.value()[0])).toBe('j');
    expect(String.fromCharCode(packedLarge.value()[0])).toBe('z');
    expect(packedLarge.value().length).toBeLessThan(JSON.stringify(large).length / 4);
    expect(unpackJson(packedSmall)).toEqual(small);
    expect(unpackJson(packedLarge)).toEqual(large);
  });

  it('refuses bytes it did not pack', () => {
    expect(() => unpackJson(new Binary(Buffer.from('{"a":1}')))).toThrow(/not a packed value/);
  });
});
