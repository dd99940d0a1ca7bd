import { WrittenCache } from '../written-cache';
import type { IndexDirectory, IndexPage } from './index-directory';

/** Pages kept per key space: the ones a writer touches again are its newest few. */
const PAGES_PER_SPACE = 8;

interface WrittenIndex<Row, Counts> {
  directory: IndexDirectory<Counts>;
  pages: Map<number, IndexPage<Row>>;
}

/**
 * Key spaces as their one writer last wrote them (the directory, and the pages it wrote), so
 * the next edit of a hot space (the newest page of the list, an agent's postings, a closed
 * term) reads nothing; bounded by the rows and directory entries kept (WrittenCache).
 */
export class WrittenIndexes<Row, Counts> {
  private readonly spaces: WrittenCache<WrittenIndex<Row, Counts>>;

  constructor(maxSize: number) {
    this.spaces = new WrittenCache(maxSize, ({ directory, pages }) => {
      let size = directory.pages.length + 1;
      for (const page of pages.values()) size += page.rows.length;
      return size;
    });
  }

  get(key: string): WrittenIndex<Row, Counts> | undefined {
    return this.spaces.get(key);
  }

  /** The space now has this directory; `pages` were written, the others it remembers are unchanged. */
  set(key: string, directory: IndexDirectory<Counts>, pages: readonly IndexPage<Row>[]): void {
    const known = new Map(this.spaces.get(key)?.pages);
    const listed = new Set(directory.pages.map((p) => p.n));
    for (const n of known.keys()) if (!listed.has(n)) known.delete(n);
    for (const page of pages) {
      known.delete(page.n);
      known.set(page.n, page);
    }
    while (known.size > PAGES_PER_SPACE) known.delete(known.keys().next().value!);
    this.spaces.set(key, { directory, pages: known });
  }

  forget(key: string): void {
    this.spaces.forget(key);
  }

  clear(): void {
    this.spaces.clear();
  }
}
