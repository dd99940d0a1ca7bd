import { decodeCursor, encodeCursor } from './session-cursor';

describe('session cursor', () => {
  it('round-trips', () => {
    expect(decodeCursor(encodeCursor({ created_at: 5, id: 'b' }))).toEqual({ created_at: 5, id: 'b' });
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
