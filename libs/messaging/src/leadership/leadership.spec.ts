import { MemoryLease } from '@cobrowse/testing';
import { Leadership, NotLeaderError, type Lease, type ProgressCheck } from './leadership';

const logger = { log: () => undefined, warn: () => undefined };
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
};

describe('Leadership', () => {
  let started: Leadership[] = [];
  const lead = (lease: Lease, stallLimitMs = 60_000) => {
    const l = new Leadership(lease, { name: 'test', stallLimitMs, logger });
    started.push(l);
    return l;
  };
  beforeEach(() => {
    MemoryLease.holder = null;
    started = [];
  });
  afterEach(async () => {
    for (const l of started) await l.stop();
  });

  it('tells listeners when it starts and stops leading, and frees the lease on stop', async () => {
    const lease = new MemoryLease(500);
    const leadership = lead(lease);
    const seen: boolean[] = [];
    leadership.onChange((leading) => void seen.push(leading));
    await leadership.start();
    await until(() => seen.length === 1);
    expect(leadership.isLeader).toBe(true);
    await leadership.stop();
    expect(seen).toEqual([true, false]);
    expect(lease.released).toBe(1);
    expect(MemoryLease.holder).toBeNull();
  });

  it('a listener added while leading is told at once', async () => {
    const leadership = lead(new MemoryLease(500));
    await leadership.start();
    const seen: boolean[] = [];
    leadership.onChange((leading) => void seen.push(leading));
    await until(() => seen.length === 1);
    expect(seen).toEqual([true]);
  });

  it('fences itself when renewals stop answering, before the lease can expire', async () => {
    const lease = new MemoryLease(500);
    const leadership = lead(lease);
    const seen: boolean[] = [];
    let stoppedAt = 0;
    leadership.onChange((leading) => {
      seen.push(leading);
      if (!leading) stoppedAt = Date.now();
    });
    await leadership.start();
    await until(() => leadership.isLeader);
    lease.renewable = false;
    // The last renewal that answered was before this moment, so the lease expires by hungAt + ttl.
    const hungAt = Date.now();
    await until(() => seen.length === 2);
    expect(seen).toEqual([true, false]);
    expect(leadership.isLeader).toBe(false);
    expect(() => leadership.assertLeader()).toThrow(NotLeaderError);
    expect(stoppedAt).toBeLessThan(hungAt + lease.ttlMs);
  });

  it('steps down when a watched check makes no progress, and a standby takes over', async () => {
    let stuckSince: number | null = null;
    const consumer: ProgressCheck = {
      name: 'consumer',
      stalledFor: (now) => (stuckSince === null ? 0 : now - stuckSince),
    };
    const first = lead(new MemoryLease(300), 200);
    first.watch(consumer);
    await first.start();
    await until(() => first.isLeader);
    const standby = lead(new MemoryLease(300), 200);
    await standby.start();
    expect(standby.isLeader).toBe(false);

    stuckSince = Date.now();
    await until(() => standby.isLeader);
    expect(first.isLeader).toBe(false);
  });

  it('does not take the lease while its own checks fail', async () => {
    const leadership = lead(new MemoryLease(200), 100);
    leadership.watch({ name: 'database', stalledFor: () => 1_000 });
    await leadership.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(leadership.isLeader).toBe(false);
    expect(MemoryLease.holder).toBeNull();
  });

  it('stays away for the hold-off a step-down asks for', async () => {
    const leadership = lead(new MemoryLease(200));
    await leadership.start();
    await until(() => leadership.isLeader);
    await leadership.stepDown(400, 'a rebuild asked');
    expect(leadership.isLeader).toBe(false);
    expect(MemoryLease.holder).toBeNull();
    const rival = new MemoryLease(200);
    expect(await rival.tryAcquire()).toBe(true);
    await rival.release();
    await until(() => leadership.isLeader);
  });

  it('numbers its terms: a listener still busy with an ended term learns it, even once leading again', async () => {
    const lease = new MemoryLease(300);
    const leadership = lead(lease);
    let busyTerm = 0;
    let release: () => void = () => undefined;
    const calls: boolean[] = [];
    leadership.onChange(async (leading) => {
      calls.push(leading);
      if (!leading || busyTerm) return;
      busyTerm = leadership.term;
      await new Promise<void>((resolve) => (release = resolve)); // a start that takes long
    });
    await leadership.start();
    await until(() => busyTerm > 0);
    expect(leadership.leadsIn(busyTerm)).toBe(true);
    void leadership.stepDown(0, 'a test'); // its loss queues behind the busy call
    await until(() => leadership.isLeader); // leads again while the first call is still busy
    expect(leadership.term).toBe(busyTerm + 1);
    expect(leadership.leadsIn(busyTerm)).toBe(false);
    release();
    await until(() => calls.length === 3);
    expect(calls).toEqual([true, false, true]);
  });
});
