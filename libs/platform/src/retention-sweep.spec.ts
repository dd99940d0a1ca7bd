import { ExpiryWatch } from './expiry-watch';
import { RetentionSweep, type SweepSource } from './retention-sweep';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function source(items: Array<{ _id: string; tenant: string; at: number }>) {
  const scans: number[] = [];
  const removed: string[][] = [];
  const src: SweepSource = {
    candidates: async function* () {
      scans.push(1);
      yield* items;
    },
    ttlSeconds: async (tenant) => (tenant === 'short' ? 1 : 3600),
    remove: async (ids) => {
      removed.push(ids);
      return ids.length;
    },
  };
  return { src, scans, removed };
}

describe('RetentionSweep', () => {
  it('deletes what expired under each tenant TTL and keeps the rest', async () => {
    const now = Date.now();
    const { src, removed } = source([
      { _id: 'a', tenant: 'short', at: now - 5_000 },
      { _id: 'b', tenant: 'long', at: now - 5_000 },
      { _id: 'c', tenant: 'short', at: now + 60_000 },
    ]);
    const sweep = new RetentionSweep(new ExpiryWatch(), quiet, 'purged');
    await sweep.run(src);
    expect(removed).toEqual([['a']]);
    expect(sweep.stats.details().retention_purged_total).toBe(1);
  });

  it('does not read the candidates again until something can be due', async () => {
    const now = Date.now();
    const watch = new ExpiryWatch();
    const { src, scans } = source([{ _id: 'b', tenant: 'long', at: now }]);
    const sweep = new RetentionSweep(watch, quiet, 'purged');
    await sweep.run(src);
    await sweep.run(src);
    expect(scans).toHaveLength(1);
    watch.note('short', now - 5_000);
    await sweep.run(src);
    expect(scans).toHaveLength(2);
  });
});
