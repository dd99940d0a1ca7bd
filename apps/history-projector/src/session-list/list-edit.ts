import { compareKeys, keyOfRow, sameRow, type ListKey, type ListRow } from './list-row';
import {
  countsOf,
  findRow,
  MAX_PAGE_BYTES,
  MAX_PAGE_ROWS,
  pageIndexFor,
  rowsInRange,
  sameCounts,
  type IndexPage,
  type ListDirectory,
} from './list-directory';

interface LoadedPage extends IndexPage {
  bytes: number;
  isNew: boolean;
  changed: boolean;
}

/** What an edit writes, in the order that keeps every row reachable if it stops half-way. */
export interface ListWrites {
  /** Pages a split created: written first, while nothing points to them yet. */
  newPages: IndexPage[];
  /** Then the directory (new pages, bounds and counts), when anything in it changed. */
  directory: ListDirectory | null;
  /** Then the pages that existed before: a page a split trimmed keeps the moved rows until here. */
  changedPages: IndexPage[];
}

const rowBytes = (row: ListRow) => JSON.stringify(row).length + 1;

/**
 * Puts and removes rows in one tenant's index pages, in memory, loading pages as it needs
 * them; `writes()` says what to store. Every change is absolute (a row becomes what the
 * session is), so an edit made again after a crash changes nothing more. Pages stay in key
 * order; a full page splits (the newest page, growing at its end, just starts a new page).
 */
export class ListEdit {
  private readonly pages = new Map<number, LoadedPage>();
  private readonly directory: ListDirectory;
  private directoryChanged = false;

  constructor(
    directory: ListDirectory | null,
    private readonly loadPage: (n: number) => Promise<IndexPage | null>,
  ) {
    this.directory = directory
      ? {
          pages: directory.pages.map((p) => ({ ...p, lo: [...p.lo] as unknown as ListKey })),
          next_n: directory.next_n,
        }
      : { pages: [], next_n: 0 };
  }

  /** Makes the session's row what `row` says. */
  async put(row: ListRow): Promise<void> {
    const key = keyOfRow(row);
    if (this.directory.pages.length === 0) {
      this.addPage(0, key, [row]);
      return;
    }
    const index = pageIndexFor(this.directory, key);
    const page = await this.page(index);
    const at = findRow(page.rows, key);
    if (at >= 0) {
      if (sameRow(page.rows[at], row)) return;
      page.bytes += rowBytes(row) - rowBytes(page.rows[at]);
      page.rows[at] = row;
    } else {
      page.rows.splice(~at, 0, row);
      page.bytes += rowBytes(row);
      if (index === 0 && compareKeys(key, this.directory.pages[0].lo) < 0) {
        this.directory.pages[0].lo = key; // older than everything listed so far
        this.directoryChanged = true;
      }
    }
    page.changed = true;
    const full = page.rows.length > MAX_PAGE_ROWS || page.bytes > MAX_PAGE_BYTES;
    if (full && page.rows.length > 1) this.split(index, page, key);
  }

  /** Removes the session's row, if it is there. */
  async remove(key: ListKey): Promise<void> {
    if (this.directory.pages.length === 0) return;
    const page = await this.page(pageIndexFor(this.directory, key));
    const at = findRow(page.rows, key);
    if (at < 0) return;
    page.bytes -= rowBytes(page.rows[at]);
    page.rows.splice(at, 1);
    page.changed = true;
  }

  writes(): ListWrites {
    const touched = [...this.pages.values()];
    const byN = new Map(touched.map((p) => [p.n, p]));
    const directory = this.directory;
    directory.pages.forEach((entry, index) => {
      const page = byN.get(entry.n);
      if (!page) return;
      const counts = countsOf(rowsInRange(directory, index, page));
      if (!sameCounts(counts, entry.counts)) {
        entry.counts = counts;
        this.directoryChanged = true;
      }
    });
    const strip = (p: LoadedPage): IndexPage => ({ n: p.n, rows: p.rows });
    return {
      newPages: touched.filter((p) => p.isNew).map(strip),
      directory: this.directoryChanged ? directory : null,
      changedPages: touched.filter((p) => !p.isNew && p.changed).map(strip),
    };
  }

  private async page(index: number): Promise<LoadedPage> {
    const n = this.directory.pages[index].n;
    let page = this.pages.get(n);
    if (!page) {
      const stored = await this.loadPage(n);
      // Rows an interrupted split left behind belong to the newer page: trimmed on this write.
      const rows = stored ? rowsInRange(this.directory, index, stored) : [];
      const changed = rows.length !== (stored?.rows.length ?? 0);
      page = { n, rows, bytes: rows.reduce((sum, r) => sum + rowBytes(r), 0), isNew: false, changed };
      this.pages.set(n, page);
    }
    return page;
  }

  private addPage(index: number, lo: ListKey, rows: ListRow[]): LoadedPage {
    const n = this.directory.next_n++;
    const page: LoadedPage = {
      n,
      rows,
      bytes: rows.reduce((sum, r) => sum + rowBytes(r), 0),
      isNew: true,
      changed: true,
    };
    this.pages.set(n, page);
    this.directory.pages.splice(index, 0, { n, lo, counts: countsOf(rows) });
    this.directoryChanged = true;
    return page;
  }

  private split(index: number, page: LoadedPage, added: ListKey): void {
    const last = index === this.directory.pages.length - 1;
    const appended = last && findRow(page.rows, added) === page.rows.length - 1;
    const at = appended ? page.rows.length - 1 : page.rows.length >> 1;
    const moved = page.rows.splice(at);
    page.bytes = page.rows.reduce((sum, r) => sum + rowBytes(r), 0);
    this.addPage(index + 1, keyOfRow(moved[0]), moved);
  }
}
