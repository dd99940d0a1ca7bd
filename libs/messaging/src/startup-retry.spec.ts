import { retryWhileUnavailable } from './startup-retry';

describe('retryWhileUnavailable', () => {
  const noWait = async () => undefined;

  it('waits out timeouts and an electing cluster, then returns the result', async () => {
    const failures = [
      Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' }),
      new Error('JetStream system temporarily unavailable'),
    ];
    let calls = 0;
    const result = await retryWhileUnavailable(
      'create consumer',
      async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'created';
      },
      undefined,
      noWait,
    );
    expect([result, calls]).toEqual(['created', 3]);
  });

  it('throws anything else at once', async () => {
    let calls = 0;
    await expect(
      retryWhileUnavailable(
        'create stream',
        async () => {
          calls++;
          throw new Error('subjects overlap with an existing stream');
        },
        undefined,
        noWait,
      ),
    ).rejects.toThrow(/overlap/);
    expect(calls).toBe(1);
  });
});
