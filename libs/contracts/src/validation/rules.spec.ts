import { badKeys, isPageUrl, parseTimestamp } from './rules';

describe('badKeys', () => {
  it('names keys with "." or NUL, a leading "$", empty keys and __proto__', () => {
    const value = JSON.parse(
      '{"ok":1,"a.b":1,"$set":1,"":1,"__proto__":{"x":1},"constructor":1,"a\\u0000b":1}',
    );
    expect(badKeys(value).sort()).toEqual(['', '$set', '__proto__', 'a\u0000b', 'a.b']);
  });
});

describe('isPageUrl', () => {
  it.each([
    ['https://shop.example.com/a?b=1', true],
    ['http://localhost:8080/', true],
    ['myapp://checkout/step-2', true],
    ['/settings/profile', true],
    ['javascript', false],
    ['https://', false],
    ['/has space', false],
    ['', false],
  ])('%j → %s', (url, ok) => expect(isPageUrl(url)).toBe(ok));
});

describe('parseTimestamp', () => {
  it.each([
    [1369939707527, 1369939707527],
    ['1369939707527', 1369939707527],
    ['2013-05-30T18:48:27.527Z', 1369939707527],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2024-03-01T10:00:00+02:00', Date.UTC(2024, 2, 1, 8)],
    ['2024-03-01T10:00', Date.UTC(2024, 2, 1, 10)],
    ['9999-12-31T23:59:59.999Z', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    [253402300799999, 253402300799999],
    [253402300800000, null],
    [8.64e15, null],
    [2 ** 53 - 1, null],
    ['2024-02-30', null],
    ['2023-02-29', null],
    ['2024-13-01', null],
    ['2024-01-01T24:00:00Z', null],
    ['2024-01-01T10:00:00+25:00', null],
    ['1969-12-31T23:59:59Z', null],
    ['2024-01-01junk', null],
    [-5, null],
    [1e300, null],
    ['yesterday', null],
    [1.5, null],
  ])('%j → %j', (value, ms) => expect(parseTimestamp(value)).toBe(ms));
});
