import { Probes } from './probes';

describe('Probes', () => {
  it('is ready only when every readiness check passes, and names each failing one', async () => {
    const probes = new Probes();
    let databaseUp = false;
    probes.readiness('nats', () => null);
    probes.readiness('database', () => (databaseUp ? null : 'no answer'));
    expect(await probes.report('ready')).toEqual({
      ok: false,
      checks: { nats: 'ok', database: 'no answer' },
    });
    databaseUp = true;
    expect(await probes.report('ready')).toEqual({ ok: true, checks: { nats: 'ok', database: 'ok' } });
  });

  it('counts a throwing check as failing, with its message', async () => {
    const probes = new Probes();
    probes.liveness('nats', () => Promise.reject(new Error('closed')));
    expect(await probes.report('live')).toEqual({ ok: false, checks: { nats: 'closed' } });
  });

  it('a check that never answers fails after its bound instead of holding the probe', async () => {
    jest.useFakeTimers();
    try {
      const probes = new Probes();
      probes.readiness('hung', () => new Promise<null>(() => undefined));
      const report = probes.report('ready');
      await jest.advanceTimersByTimeAsync(2_000);
      expect(await report).toEqual({ ok: false, checks: { hung: 'no answer within 2000 ms' } });
    } finally {
      jest.useRealTimers();
    }
  });

  it('a later registration under the same name replaces the earlier one', async () => {
    const probes = new Probes();
    probes.readiness('consumer', () => 'not set up');
    probes.readiness('consumer', () => null);
    expect((await probes.report('ready')).ok).toBe(true);
  });
});
