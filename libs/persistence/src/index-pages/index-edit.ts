import { compareKeys, type IndexKey } from './index-key';
import {
  findRow,
  MAX_PAGE_BYTES,
  MAX_PAGE_ROWS,
  pageIndexFor,
  rowsInRange,
  type IndexDirectory,
  type IndexPage,
} from './index-directory';
import type { IndexShape } from './index-shape';

interface LoadedPage<Row> extends IndexPage<Row> {
  bytes: number;
  isNew: boolean;
  changed: boolean;
}

/** What an edit writes, in the order that keeps every row reachable if it stops half-way. */
export interface IndexWrites<Row, Counts> {
  /** Pages a split created: written first, while nothing points to them yet. */
  newPages: IndexPage<Row>[];
  /** Whether the directory is a new one (no directory was stored when the edit began). */
  newDirectory: boolean;
  /** Then the directory (new pages, bounds and counters), when anything in it changed. */
  directory: IndexDirectory<Counts> | null;
  /** Then the pages that existed before: a page a split trimmed keeps the moved rows until here. */
  changedPages: IndexPage<Row>[];
}

const rowBytes = (row: unknown) => JSON.stringify(row).length + 1;
const sameRow = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Puts and removes rows in one tenant's index pages, in memory, loading pages as it needs
 * them; `writes()` says what to store. Every change is absolute (a row becomes what its
 * subject is), so an edit made again after a crash changes nothing more. Pages stay in key
 * order; a full page splits (the newest page, growing at its end, just starts a new page).
 */
export class IndexEdit<Row, Counts> {
  private readonly pages = new Map<number, LoadedPage<Row>>();
  private readonly directory: IndexDirectory<Counts>;
  private directoryChanged = false;
  private readonly newDirectory: boolean;

  constructor(
    private readonly shape: IndexShape<Row, Counts>,
    directory: IndexDirectory<Counts> | null,
    private readonly loadPage: (n: number) => Promise<IndexPage<Row> | null>,
  ) {
    this.newDirectory = directory === null;
    this.directory = directory
      ? {
          pages: directory.pages.map((p) => ({ ...p, lo: [...p.lo] as unknown as IndexKey })),
          next_n: directory.next_n,
          since: directory.since,
        }
      : { pages: [], next_n: 0, since: shape.version };
  }

  /** Puts the row unless one with its key is there already (a backfill never takes a row back). */
  async add(row: Row): Promise<void> {
    if (this.directory.pages.length > 0) {
      const page = await this.page(pageIndexFor(this.directory, this.shape.keyOf(row)));
      if (findRow(this.shape, page.rows, this.shape.keyOf(row)) >= 0) return;
    }
    await this.put(row);
  }

  /** Makes the row with this row's key what `row` says. */
  async put(row: Row): Promise<void> {
    const key = this.shape.keyOf(row);
    if (this.directory.pages.length === 0) {
      this.addPage(0, key, [row]);
      return;
    }
    const index = pageIndexFor(this.directory, key);
    const page = await this.page(index);
    const at = findRow(this.shape, page.rows, key);
    if (at >= 0) {
      if (sameRow(page.rows[at], row)) return;
      page.bytes += rowBytes(row) - rowBytes(page.rows[at]);
      page.rows[at] = row;
    } else {
      page.rows.splice(~at, 0, row);
      page.bytes += rowBytes(row);
      if (index === 0 && compareKeys(key, this.directory.pages[0].lo) < 0) {
        this.directory.pages[0].lo = key; // older than everything indexed so far
        this.directoryChanged = true;
      }
    }
    page.changed = true;
    const full = page.rows.length > (this.shape.maxRows ?? MAX_PAGE_ROWS) || page.bytes > MAX_PAGE_BYTES;
    if (full && page.rows.length > 1) this.split(index, page, key);
  }

  /** Removes the row with this key, if it is there. */
  async remove(key: IndexKey): Promise<void> {
    if (this.directory.pages.length === 0) return;
    const page = await this.page(pageIndexFor(this.directory, key));
    const at = findRow(this.shape, page.rows, key);
    if (at < 0) return;
    page.bytes -= rowBytes(page.rows[at]);
    page.rows.splice(at, 1);
    page.changed = true;
  }

  /** The directory as the edit leaves it (its counters are brought up to date by `writes()`). */
  get result(): IndexDirectory<Counts> {
    return this.directory;
  }

  writes(): IndexWrites<Row, Counts> {
    const touched = [...this.pages.values()];
    const byN = new Map(touched.map((p) => [p.n, p]));
    const directory = this.directory;
    directory.pages.forEach((entry, index) => {
      const page = byN.get(entry.n);
      if (!page) return;
      const counts = this.shape.countsOf(rowsInRange(this.shape, directory, index, page));
      if (!this.shape.sameCounts(counts, entry.counts)) {
        entry.counts = counts;
        this.directoryChanged = true;
      }
    });
    const strip = (p: LoadedPage<Row>): IndexPage<Row> => ({ n: p.n, rows: p.rows });
    return {
      newPages: touched.filter((p) => p.isNew).map(strip),
      newDirectory: this.newDirectory,
      directory: this.directoryChanged ? directory : null,
      changedPages: touched.filter((p) => !p.isNew && p.changed).map(strip),
    };
  }

  private async page(index: number): Promise<LoadedPage<Row>> {
    const n = this.directory.pages[index].n;
    let page = this.pages.get(n);
    if (!page) {
      const stored = await this.loadPage(n);
      // Rows an interrupted split left behind belong to the newer page: trimmed on this write.
      const rows = stored ? rowsInRange(this.shape, this.directory, index, stored) : [];
      const changed = rows.length !== (stored?.rows.length ?? 0);
      page = { n, rows, bytes: rows.reduce((sum, r) => sum + rowBytes(r), 0), isNew: false, changed };
      this.pages.set(n, page);
    }
    return page;
  }

  private addPage(index: number, lo: IndexKey, rows: Row[]): LoadedPage<Row> {
    const n = this.directory.next_n++;
    const page: LoadedPage<Row> = {
      n,
      rows,
      bytes: rows.reduce((sum, r) => sum + rowBytes(r), 0),
      isNew: true,
      changed: true,
    };
    this.pages.set(n, page);
    this.directory.pages.splice(index, 0, { n, lo, counts: this.shape.countsOf(rows) });
    this.directoryChanged = true;
    return page;
  }

  private split(index: number, page: LoadedPage<Row>, added: IndexKey): void {
    const last = index === this.directory.pages.length - 1;
    const appended = last && findRow(this.shape, page.rows, added) === page.rows.length - 1;
    const at = appended ? page.rows.length - 1 : page.rows.length >> 1;
    const moved = page.rows.splice(at);
    page.bytes = page.rows.reduce((sum, r) => sum + rowBytes(r), 0);
    this.addPage(index + 1, this.shape.keyOf(moved[0]), moved);
  }
}
