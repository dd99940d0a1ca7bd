/**
 * Documents as their one writer last wrote them, so its next change need not read them back:
 * a map bounded by the total `sizeOf` its values (pages, rows), the least recently written
 * going first. The owner forgets what another writer may have changed (a failed write, a
 * delete elsewhere, a change of leadership).
 */
export class WrittenCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private size = 0;

  constructor(
    private readonly maxSize: number,
    private readonly sizeOf: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.forget(key);
    const size = this.sizeOf(value);
    this.entries.set(key, { value, size });
    this.size += size;
    for (const oldest of this.entries.keys()) {
      if (this.size <= this.maxSize) break;
      this.forget(oldest);
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.size -= entry.size;
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}
