import { Leadership, type Lease } from '@cobrowse/messaging';
import { fencedSwitch } from './fenced-switch';

/** The projection's lease in memory: whoever holds it, and whether its holder may renew. */
class SharedLease implements Lease {
  static holder: SharedLease | null = null;
  constructor(readonly ttlMs: number) {}
  async tryAcquire(): Promise<boolean> {
    if (SharedLease.holder && SharedLease.holder !== this) return false;
    SharedLease.holder = this;
    return true;
  }
  async renew(): Promise<boolean> {
    return SharedLease.holder === this;
  }
  async release(): Promise<void> {
    if (SharedLease.holder === this) SharedLease.holder = null;
  }
}

const logger = { log: () => undefined, warn: () => undefined };
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
};

describe('fencedSwitch (the rebuild switching to its generation)', () => {
  let rebuild: Leadership;
  beforeEach(async () => {
    SharedLease.holder = null;
    rebuild = new Leadership(new SharedLease(60), { name: 'rebuild', stallLimitMs: Infinity, logger });
    await rebuild.start();
    await until(() => rebuild.isLeader);
  });
  afterEach(() => rebuild.stop());

  it('switches while the rebuild has led since it took over and heard every erasure', async () => {
    const switched = jest.fn(async () => undefined);
    await fencedSwitch({ leadership: rebuild, term: rebuild.term, heardEverything: true }, switched);
    expect(switched).toHaveBeenCalledTimes(1);
  });

  it('does not switch once the lease went to another holder, even after the rebuild took it back', async () => {
    const term = rebuild.term;
    // The live projector takes the lease (the rebuild's renewal finds it gone) and may write.
    SharedLease.holder = new SharedLease(60);
    await until(() => !rebuild.isLeader);
    SharedLease.holder = null;
    await until(() => rebuild.isLeader);
    const switched = jest.fn(async () => undefined);
    await expect(
      fencedSwitch({ leadership: rebuild, term, heardEverything: true }, switched),
    ).rejects.toThrow(/lost the projection lease/);
    expect(switched).not.toHaveBeenCalled();
  });

  it('does not switch when an erasure may have been missed', async () => {
    const switched = jest.fn(async () => undefined);
    await expect(
      fencedSwitch({ leadership: rebuild, term: rebuild.term, heardEverything: false }, switched),
    ).rejects.toThrow(/erasure announced meanwhile may have been missed/);
    expect(switched).not.toHaveBeenCalled();
  });
});
