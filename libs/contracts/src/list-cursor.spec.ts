import { decodeListCursor, encodeListCursor } from './list-cursor';

describe('list cursor', () => {
  it('round-trips, with the longest id the API accepts', () => {
    expect(decodeListCursor(encodeListCursor([5, 'b']))).toEqual([5, 'b']);
    const long = 'x'.repeat(128);
    expect(decodeListCursor(encodeListCursor([5, long]))).toEqual([5, long]);
  });

  it.each([
    '',
    'abc',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["x","y"]').toString('base64url'),
    Buffer.from('[1.5,"y"]').toString('base64url'),
    Buffer.from(JSON.stringify([1, 'x'.repeat(129)])).toString('base64url'),
  ])('rejects %j as INVALID_CURSOR', (cursor) =>
    expect(() => decodeListCursor(cursor)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' })),
  );
});
