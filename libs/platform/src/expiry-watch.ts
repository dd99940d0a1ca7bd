/**
 * Whether a retention sweep can find anything to delete, without asking the database. A
 * sweep on FerretDB is a scan of the whole collection (~9 s at 100k sessions), so scanning
 * every interval whether or not anything can have expired costs a large share of the
 * database. The watch remembers, per tenant, the earliest expiry among what the last scan
 * kept and the TTL it used, and hears of every newly ended session (or idle device); a sweep
 * scans only when one of those is due, a TTL changed, or no scan has been made yet.
 */
export class ExpiryWatch {
  private scannedOnce = false;
  private readonly nextDueAt = new Map<string, number>();
  private readonly ttlUsed = new Map<string, number>();
  private candidates = new Map<string, number>();

  /** Forget everything (lease lost or taken, read model switched): the next sweep scans. */
  reset(): void {
    this.scannedOnce = false;
    this.nextDueAt.clear();
    this.ttlUsed.clear();
    this.candidates.clear();
  }

  /** Something of `tenant` may expire `ttl` after `at` (a session just ended, a device went idle). */
  note(tenant: string, at: number): void {
    const known = this.candidates.get(tenant);
    if (known === undefined || at < known) this.candidates.set(tenant, at);
  }

  async isDue(now: number, ttlSecondsOf: (tenant: string) => Promise<number>): Promise<boolean> {
    if (!this.scannedOnce) return true;
    for (const tenant of new Set([...this.nextDueAt.keys(), ...this.candidates.keys()])) {
      const ttlMs = (await ttlSecondsOf(tenant)) * 1000;
      const used = this.ttlUsed.get(tenant);
      if (used !== undefined && used !== ttlMs) return true;
      if ((this.nextDueAt.get(tenant) ?? Infinity) <= now) return true;
      if ((this.candidates.get(tenant) ?? Infinity) + ttlMs <= now) return true;
    }
    return false;
  }

  /** Starts a scan; what is noted from now on is kept for the next decision. */
  beginScan(): { keep(tenant: string, at: number, ttlSeconds: number): void; finish(): void } {
    this.candidates = new Map();
    const nextDueAt = new Map<string, number>();
    const ttlUsed = new Map<string, number>();
    return {
      keep: (tenant, at, ttlSeconds) => {
        const due = at + ttlSeconds * 1000;
        if (due < (nextDueAt.get(tenant) ?? Infinity)) nextDueAt.set(tenant, due);
        ttlUsed.set(tenant, ttlSeconds * 1000);
      },
      finish: () => {
        this.nextDueAt.clear();
        this.ttlUsed.clear();
        for (const [tenant, due] of nextDueAt) this.nextDueAt.set(tenant, due);
        for (const [tenant, ttl] of ttlUsed) this.ttlUsed.set(tenant, ttl);
        this.scannedOnce = true;
      },
    };
  }
}
