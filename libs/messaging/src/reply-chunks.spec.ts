import { fromReplyChunks, toReplyChunks } from './reply-chunks';

describe('reply chunks', () => {
  it('sends a small reply as it is', () => {
    expect(toReplyChunks({ a: 1 })).toEqual([{ a: 1 }]);
    expect(fromReplyChunks([{ a: 1 }])).toEqual({ a: 1 });
  });

  it('splits a large reply into pieces under the chunk size and puts it together in any order', () => {
    const value = { text: 'é\u0000"'.repeat(200_000), n: [1, 2, 3] };
    const chunks = toReplyChunks(value, 100_000);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(JSON.stringify(chunk).length).toBeLessThan(140_000);
    expect(fromReplyChunks([...chunks].reverse())).toEqual(value);
  });

  it('refuses an incomplete set', () => {
    const chunks = toReplyChunks({ text: 'x'.repeat(1000) }, 100);
    expect(() => fromReplyChunks(chunks.slice(1))).toThrow(/incomplete/);
  });
});
