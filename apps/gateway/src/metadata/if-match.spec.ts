import { parseIfMatch } from './if-match';

describe('parseIfMatch', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['7', 7],
    ['"7"', 7],
    ['W/"12"', 12],
  ])('%j → %j', (header, version) => expect(parseIfMatch(header)).toBe(version));

  it.each(['abc', '"7', '-1', '1.5'])('refuses %j', (header) => {
    expect(() => parseIfMatch(header)).toThrow(expect.objectContaining({ statusCode: 400 }));
  });
});
