import { parsePolicyClaim, policyAllows } from './identity';

describe('parsePolicyClaim', () => {
  it('reads one value or a list, numbers and booleans as their text', () => {
    expect(parsePolicyClaim({ custom_data: { team: 'emea', tier: [1, true] } })).toEqual({
      custom_data: { team: ['emea'], tier: ['1', 'true'] },
    });
  });

  it.each([
    [null, /object/],
    [[], /object/],
    [{}, /custom_data/],
    [{ custom_data: { team: [] } }, /1\.\.100/],
    [{ custom_data: { team: { nested: 1 } } }, /strings, numbers or booleans/],
    [{ custom_data: { team: [null] } }, /strings, numbers or booleans/],
    [{ custom_data: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }, /32 keys/],
  ])('refuses %j', (claim, reason) => {
    expect(parsePolicyClaim(claim)).toMatch(reason);
  });
});

describe('policyAllows', () => {
  const policy = { custom_data: { team: ['emea', 'apac'], tier: ['3'] } };

  it('lets in custom data with one of the values for every key', () => {
    expect(policyAllows(policy, { team: 'apac', tier: 3, other: 'x' })).toBe(true);
  });

  it('keeps out a missing key, another value, or a value no filter reads', () => {
    expect(policyAllows(policy, { team: 'apac' })).toBe(false);
    expect(policyAllows(policy, { team: 'amer', tier: '3' })).toBe(false);
    expect(policyAllows(policy, { team: ['emea'], tier: '3' })).toBe(false);
    expect(policyAllows({ custom_data: { constructor: ['x'] } }, {})).toBe(false);
  });

  it('lets everything in without a policy', () => {
    expect(policyAllows(undefined, {})).toBe(true);
  });
});
