import { generateSessionToken, isSessionToken } from './token';

describe('generateSessionToken', () => {
  it('always gives 9 digits', () => {
    for (let i = 0; i < 1000; i++) expect(isSessionToken(generateSessionToken())).toBe(true);
  });

  it('draws every leading digit (leading zeros kept)', () => {
    const leading = new Set<string>();
    for (let i = 0; i < 2000; i++) leading.add(generateSessionToken()[0]);
    expect(leading.size).toBe(10);
  });
});
