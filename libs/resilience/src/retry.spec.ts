import { BACKOFF, delayBefore, retry } from './retry';

describe('delayBefore', () => {
  it('doubles from the first wait up to the longest', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((n) => delayBefore(BACKOFF.dependency, n));
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('takes up to the jitter off each wait', () => {
    expect(delayBefore(BACKOFF.conflict, 3, () => 0)).toBe(40);
    expect(delayBefore(BACKOFF.conflict, 3, () => 0.5)).toBe(20);
    expect(delayBefore(BACKOFF.conflict, 9, () => 0)).toBe(100);
  });
});

describe('retry', () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  beforeEach(() => (waits.length = 0));

  it('tries again after what it may retry, waiting the back-off, until the step succeeds', async () => {
    const retried: number[] = [];
    const result = await retry(
      async (attempt) => {
        if (attempt < 4) throw new Error(`no answer ${attempt}`);
        return attempt;
      },
      {
        backoff: BACKOFF.startup,
        retryIf: () => true,
        onRetry: (_e, attempt) => retried.push(attempt),
        sleep,
      },
    );
    expect(result).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
    expect(waits).toEqual([500, 1_000, 2_000]);
  });

  it('throws at once what it may not retry, and what fails past the attempts it allows', async () => {
    const refused = new Error('refused');
    await expect(
      retry(() => Promise.reject(refused), { backoff: BACKOFF.dependency, retryIf: () => false, sleep }),
    ).rejects.toBe(refused);
    expect(waits).toEqual([]);

    let attempts = 0;
    await expect(
      retry(
        () => {
          attempts++;
          return Promise.reject(new Error('timeout'));
        },
        { backoff: BACKOFF.publish, retryIf: (_e, attempt) => attempt < 4, sleep },
      ),
    ).rejects.toThrow('timeout');
    expect(attempts).toBe(4);
    expect(waits).toEqual([250, 500, 1_000]);
  });
});
