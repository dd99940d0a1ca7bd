import { Leadership } from '@cobrowse/messaging';
import { MemoryLease } from '@cobrowse/testing';
import { fencedSwitch } from './fenced-switch';

const logger = { log: () => undefined, warn: () => undefined };
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
};

describe('fencedSwitch (the rebuild switching to its generation)', () => {
  let rebuild: Leadership;
  beforeEach(async () => {
    MemoryLease.holder = null;
    rebuild = new Leadership(new MemoryLease(60), { name: 'rebuild', stallLimitMs: Infinity, logger });
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
    MemoryLease.holder = new MemoryLease(60);
    await until(() => !rebuild.isLeader);
    MemoryLease.holder = null;
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
