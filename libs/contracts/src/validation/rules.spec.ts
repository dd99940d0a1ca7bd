import { badKeys, isPageUrl, parseTimestamp } from './rules';

describe('badKeys', () => {
  it('names keys MongoDB cannot store and prototype keys', () => {
    const value = JSON.parse('{"ok":1,"a.b":1,"$set":1,"":1,"__proto__":{"x":1},"constructor":1}');
    expect(badKeys(value).sort()).toEqual(['', '$set', '__proto__', 'a.b', 'constructor']);
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
    [-5, null],
    [1e300, null],
    ['yesterday', null],
    [1.5, null],
  ])('%j → %j', (value, ms) => expect(parseTimestamp(value)).toBe(ms));
});
