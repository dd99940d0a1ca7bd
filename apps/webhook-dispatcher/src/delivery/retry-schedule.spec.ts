import { RetrySchedule } from './retry-schedule';
import { retryAfterSeconds } from './webhook-sender';

describe('RetrySchedule', () => {
  const schedule = RetrySchedule.parse('0,5000,300000');

  it('waits as scheduled before each attempt, within the jitter, and gives up after the last', () => {
    expect(schedule.attempts).toBe(3);
    expect(schedule.nextDelay(1, null, () => 0.5)).toBe(5000);
    expect(schedule.nextDelay(1, null, () => 0)).toBe(4000);
    expect(schedule.nextDelay(1, null, () => 1)).toBe(6000);
    expect(schedule.nextDelay(2, null, () => 0.5)).toBe(300000);
    expect(schedule.nextDelay(3, null, () => 0.5)).toBeNull();
  });

  it('honours a longer Retry-After, up to a day', () => {
    expect(schedule.nextDelay(1, 60, () => 0.5)).toBe(60_000);
    expect(schedule.nextDelay(1, 1, () => 0.5)).toBe(5000);
    expect(schedule.nextDelay(1, 7 * 86_400, () => 0.5)).toBe(86_400_000);
  });
});

describe('retryAfterSeconds', () => {
  it('reads seconds or an HTTP date, and nothing else', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(
      60,
    );
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(undefined)).toBeNull();
  });
});
