import { checkRetentionPolicy, retentionTtlCapSeconds } from './retention-policy';

describe('retention policy rules', () => {
  it('caps TTLs at the log age limit minus 30 days, and at ten years without a limit', () => {
    expect(retentionTtlCapSeconds(400)).toBe(370 * 86400);
    expect(retentionTtlCapSeconds(31)).toBe(86400);
    expect(retentionTtlCapSeconds(10)).toBe(86400);
    expect(retentionTtlCapSeconds(0)).toBe(3650 * 86400);
  });

  it('accepts whole seconds from 1 up to the cap', () => {
    expect(checkRetentionPolicy({ ended_session_ttl_seconds: 1, device_ttl_seconds: 100 }, 100)).toEqual({
      policy: { ended_session_ttl_seconds: 1, device_ttl_seconds: 100 },
      problems: [],
    });
  });

  it('names every problem', () => {
    expect(checkRetentionPolicy({ ended_session_ttl_seconds: 0, colour: 'red' }, 100).problems).toEqual([
      'colour is not a retention setting',
      'ended_session_ttl_seconds must be a whole number of seconds, at least 1',
      'device_ttl_seconds is required',
    ]);
    expect(
      checkRetentionPolicy({ ended_session_ttl_seconds: 1.5, device_ttl_seconds: 101 }, 100).problems,
    ).toEqual([
      'ended_session_ttl_seconds must be a whole number of seconds, at least 1',
      "device_ttl_seconds must be at most 100 (the event log's age limit, minus a margin)",
    ]);
    expect(checkRetentionPolicy(['x'], 100).problems).toEqual(['the body must be a JSON object']);
    expect(
      checkRetentionPolicy({ ended_session_ttl_seconds: '5', device_ttl_seconds: 5 }, 100).problems,
    ).toHaveLength(1);
  });
});
