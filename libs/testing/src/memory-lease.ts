import type { Lease } from '@cobrowse/messaging';

/**
 * A lease held in memory by one holder at a time (`MemoryLease.holder`, to be reset before each
 * test): what Leadership is tested over. `renewable` false makes renewals hang.
 */
export class MemoryLease implements Lease {
  static holder: MemoryLease | null = null;
  renewable = true;
  released = 0;
  constructor(readonly ttlMs: number) {}
  async tryAcquire(): Promise<boolean> {
    if (MemoryLease.holder && MemoryLease.holder !== this) return false;
    MemoryLease.holder = this;
    return true;
  }
  async renew(): Promise<boolean> {
    if (!this.renewable) return new Promise(() => undefined);
    return MemoryLease.holder === this;
  }
  async release(): Promise<void> {
    this.released++;
    if (MemoryLease.holder === this) MemoryLease.holder = null;
  }
}
