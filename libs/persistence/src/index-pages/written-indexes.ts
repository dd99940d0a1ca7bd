import type { IndexDirectory, IndexPage } from './index-directory';

/** Pages kept per key space: the ones a writer touches again are its newest few. */
const PAGES_PER_SPACE = 8;

interface WrittenIndex<Row, Counts> {
  directory: IndexDirectory<Counts>;
  pages: Map<number, IndexPage<Row>>;
  /** What it counts against the bound: its pages' rows and its directory's entries. */
  size: number;
}

/**
 * Key spaces as their one writer last wrote them (the directory, and the pages it wrote), so
 * the next edit of a hot space (the newest page of the list, an agent's postings, a closed
 * term) reads nothing. The least recently written go first once the rows and directory
 * entries kept pass `maxSize`. Only for a writer that is the only one while it remembers (a
 * leader, forgetting whenever leadership changes).
 */
export class WrittenIndexes<Row, Counts> {
  private readonly spaces = new Map<string, WrittenIndex<Row, Counts>>();
  private size = 0;

  constructor(private readonly maxSize: number) {}

  get(key: string): WrittenIndex<Row, Counts> | undefined {
    return this.spaces.get(key);
  }

  /** The space now has this directory; `pages` were written, the others it remembers are unchanged. */
  set(key: string, directory: IndexDirectory<Counts>, pages: readonly IndexPage<Row>[]): void {
    const known = this.spaces.get(key)?.pages ?? new Map<number, IndexPage<Row>>();
    this.forget(key);
    const listed = new Set(directory.pages.map((p) => p.n));
    for (const n of known.keys()) if (!listed.has(n)) known.delete(n);
    for (const page of pages) {
      known.delete(page.n);
      known.set(page.n, page);
    }
    while (known.size > PAGES_PER_SPACE) known.delete(known.keys().next().value!);
    let size = directory.pages.length + 1;
    for (const page of known.values()) size += page.rows.length;
    this.spaces.set(key, { directory, pages: known, size });
    this.size += size;
    for (const oldest of this.spaces.keys()) {
      if (this.size <= this.maxSize) break;
      this.forget(oldest);
    }
  }

  forget(key: string): void {
    const space = this.spaces.get(key);
    if (!space) return;
    this.spaces.delete(key);
    this.size -= space.size;
  }

  clear(): void {
    this.spaces.clear();
    this.size = 0;
  }
}
