/**
 * Values looked up by key and kept for a while: a lookup under way is shared by every caller
 * asking meanwhile (hundreds at once must not each make the round trip), a failed one is
 * dropped so the next caller tries again, and a value set here is answered at once.
 */
export class SharedLookups<V> {
  private readonly entries = new Map<string, { value: Promise<V>; at: number }>();

  constructor(private readonly keepMs: number) {}

  get(key: string, lookUp: () => Promise<V>): Promise<V> {
    const kept = this.entries.get(key);
    if (kept && Date.now() - kept.at < this.keepMs) return kept.value;
    const entry = { value: lookUp(), at: Date.now() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, { value: Promise.resolve(value), at: Date.now() });
  }
}
