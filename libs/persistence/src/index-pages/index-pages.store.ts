import type { AnyBulkWriteOperation, Binary, Collection, Document } from 'mongodb';
import { bulkWriteInCommands } from '../bulk-write';
import { isDuplicateKey } from '../duplicate-key';
import type { IndexKey } from './index-key';
import { compareKeys } from './index-key';
import { mapLimited } from '../map-limited';
import {
  findRow,
  pageIndexFor,
  rowsInRange,
  type IndexDirectory,
  type IndexPage,
  type PageEntry,
} from './index-directory';
import { IndexEdit, type IndexWrites } from './index-edit';
import type { IndexShape } from './index-shape';
import { packJson, unpackJson } from '../packed-json';
import { WrittenIndexes } from './written-indexes';
import { ReadPages, stampOf } from './read-pages';

/**
 * A directory entry as stored: page number, where it starts (time `c`, `id`), the stamp of
 * its rows (`s`, read-pages.ts) and the shape's counters under their short names.
 */
type StoredEntry = { n: number; c: number; id: string; s?: string } & Record<string, number | string>;

/**
 * Entries and rows are stored packed (`pages_z`, `rows_z`: JSON in one binary field, deflated
 * when large): FerretDB v1 converts every nested field of a document one by one and its cost
 * grows with the bytes, so a 500-row page read as row objects took 119 ms, as one JSON string
 * 20 ms and deflated 3 ms (docs/read-models.md). Nothing queries inside them. What earlier
 * versions wrote is still read: one JSON string (`pages_json`, `rows_json`) or arrays.
 */
interface DirectoryDocument {
  _id: string;
  tenant: string;
  next_n: number;
  since?: number;
  closed?: true;
  pages_z?: Binary;
  /** The rows of its one page, when the shape keeps them here (`inlineSinglePage`). */
  rows_z?: Binary;
  pages_json?: string;
  pages?: StoredEntry[];
}

type Stored<Row> = DirectoryDocument | PageDocument<Row>;

interface PageDocument<Row> {
  _id: string;
  tenant: string;
  n: number;
  /** The stamp of `rows_z` (read-pages.ts); absent in what earlier versions wrote. */
  s?: string;
  rows_z?: Binary;
  rows_json?: string;
  rows?: Row[];
}

/** Rows to put (as their subjects now are), to add where absent, and keys to remove. */
export interface IndexChange<Row> {
  put?: readonly Row[];
  add?: readonly Row[];
  remove?: readonly IndexKey[];
}

/** A page to write, packed, and the stamp of what was packed. */
interface PackedPage<Row> extends IndexPage<Row> {
  packed: Binary;
  stamp: string;
}

/** One key space's edit as it will be written, in IndexWrites' order. */
interface PlannedWrites<Row, Counts> extends Omit<IndexWrites<Row, Counts>, 'newPages' | 'changedPages'> {
  tenant: string;
  newPages: PackedPage<Row>[];
  changedPages: PackedPage<Row>[];
  /** The directory after the edit, written or not. */
  result: IndexDirectory<Counts>;
  /** The rows of its one page, stored in the directory document (`inlineSinglePage`). */
  inline: IndexPage<Row> | null;
  /** Pages whose documents go once the directory no longer points to them. */
  deleted: number[];
}

/** Where a walk starts and stops. */
export interface IndexWalk {
  /** Only rows strictly before this key (a cursor, an upper time bound). */
  before?: IndexKey;
  /** Stop after the page that starts before this time: every older row is older than it. */
  notBefore?: number;
}

/** Pages a walk reads, and how many of them are kept in memory (`cacheReads`). */
export interface WalkExtent {
  pages: number;
  kept: number;
}

/**
 * Pages read ahead of the one being walked, at most: a long walk waits on the database less.
 * A walk starts with none and doubles it with every page it goes past, so a list whose page
 * is full after one or two index pages (the usual case) reads no page it does not use.
 */
const READ_AHEAD = 4;

/** Key spaces an `editMany` reads at once. */
const EDIT_CONCURRENCY = 16;

/** What a document stores, in this version's packed form or an earlier version's string or array. */
function stored<T>(packed: Binary | undefined, json: string | undefined, array: T[] | undefined): T[] {
  if (packed !== undefined) return unpackJson<T[]>(packed);
  return json !== undefined ? (JSON.parse(json) as T[]) : (array ?? []);
}

/**
 * The rows of an index page document, or of a directory document keeping its one page
 * (`inlineSinglePage`; none for any other directory), as stored by any version: what tests
 * read an index with.
 */
export function storedPageRows<Row>(document: Document): Row[] {
  const page = document as PageDocument<Row>;
  return stored(page.rows_z, page.rows_json, page.rows);
}

const markId = (mark: string) => {
  if (mark.includes(':')) throw new Error(`a mark has no ':' (${mark})`);
  return mark;
};
const directoryId = (tenant: string) => `${tenant}:directory`;
const pageId = (tenant: string, n: number) => `${tenant}:${n}`;

/**
 * Index pages ("bucket pattern") in one collection, every document addressed by `_id`:
 * `<tenant>:directory` (each page's first key and counters) and `<tenant>:<n>` (a few hundred
 * rows in key order). A list reads the directory and walks pages newest first; a count adds
 * up the directory's counters. Nothing but `_id` is ever filtered on, so every read and write
 * costs the same at any size on MongoDB and on FerretDB v1 alike. One writer per tenant at a
 * time (the caller's lock); `edit` makes a change in the order that survives a crash half-way.
 */
export class IndexPagesStore<Row, Counts> {
  /** The page a directory read holds inline (`inlineSinglePage`), by the directory object returned. */
  private readonly inline = new WeakMap<IndexDirectory<Counts>, IndexPage<Row>>();

  /** What this store wrote, when its owner is the one writer (`rememberWrites`). */
  private readonly written?: WrittenIndexes<Row, Counts>;

  /** Pages read or written here, by stamp (`cacheReads`). */
  private readonly readPages?: ReadPages<Row>;

  constructor(
    private readonly shape: IndexShape<Row, Counts>,
    /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
    private readonly collection: () => Collection<Document>,
    {
      rememberWrites = 0,
      cacheReads = 0,
    }: {
      /**
       * Rows (and directory entries) of the last writes to keep at hand for the next edit
       * (none when 0): for a writer that is the only one and calls `forgetWrites` whenever
       * that may have changed.
       */
      rememberWrites?: number;
      /**
       * Rows of pages read or written to keep decoded (none when 0), for readers that walk
       * pages: a page is used again only while the directory names the same stamp.
       */
      cacheReads?: number;
    } = {},
  ) {
    if (rememberWrites > 0) this.written = new WrittenIndexes(rememberWrites);
    if (cacheReads > 0) this.readPages = new ReadPages(cacheReads);
  }

  /** Forgets every write kept at hand: another writer may have been at work. */
  forgetWrites(): void {
    this.written?.clear();
  }

  /** Spaces are remembered per collection: a rebuild's switch moves the writer to new ones. */
  private writtenKey(tenant: string): string {
    return `${this.collection().collectionName}\u0000${tenant}`;
  }

  /** A space's directory and page loader as its last write left them, or as stored. */
  private async forEdit(tenant: string): Promise<{
    directory: IndexDirectory<Counts> | null;
    load: (n: number) => Promise<IndexPage<Row> | null>;
  }> {
    const written = this.written?.get(this.writtenKey(tenant));
    const directory = written ? written.directory : await this.directory(tenant);
    return {
      directory,
      load: (n) => {
        const page = written?.pages.get(n);
        const entry = directory?.pages.find((p) => p.n === n) ?? { n };
        return page ? Promise.resolve(page) : this.pageOf(tenant, directory, entry);
      },
    };
  }

  private get directories(): Collection<DirectoryDocument> {
    return this.collection() as unknown as Collection<DirectoryDocument>;
  }

  private get pageDocuments(): Collection<PageDocument<Row>> {
    return this.collection() as unknown as Collection<PageDocument<Row>>;
  }

  async directory(tenant: string): Promise<IndexDirectory<Counts> | null> {
    const document = await this.directories.findOne({ _id: directoryId(tenant) });
    if (!document) return null;
    const directory: IndexDirectory<Counts> = {
      next_n: document.next_n,
      ...(document.since !== undefined ? { since: document.since } : {}),
      ...(document.closed ? { closed: true } : {}),
      pages: stored<StoredEntry>(document.pages_z, document.pages_json, document.pages).map(
        ({ n, c, id, s, ...counts }): PageEntry<Counts> => ({
          n,
          lo: [c, id],
          counts: this.shape.loadCounts(counts as Record<string, number>),
          ...(s !== undefined ? { stamp: s } : {}),
        }),
      ),
    };
    if (document.rows_z && directory.pages.length === 1)
      this.inline.set(directory, { n: directory.pages[0].n, rows: unpackJson<Row[]>(document.rows_z) });
    return directory;
  }

  /** Whether a page of a directory read here is in memory: held inline, or read before under its stamp. */
  private isKept(
    tenant: string,
    directory: IndexDirectory<Counts>,
    { n, stamp }: PageEntry<Counts>,
  ): boolean {
    return this.inline.get(directory)?.n === n || (this.readPages?.has(tenant, n, stamp) ?? false);
  }

  /**
   * A page of a directory read here: the one it holds inline, the one read before under the
   * stamp the directory names, or its document.
   */
  private pageOf(
    tenant: string,
    directory: IndexDirectory<Counts> | null,
    { n, stamp }: Pick<PageEntry<Counts>, 'n' | 'stamp'>,
  ): Promise<IndexPage<Row> | null> {
    const inline = directory && this.inline.get(directory);
    if (inline?.n === n) return Promise.resolve(inline);
    const read = this.readPages?.get(tenant, n, stamp);
    return read ? Promise.resolve(read) : this.page(tenant, n);
  }

  async page(tenant: string, n: number): Promise<IndexPage<Row> | null> {
    const document = await this.pageDocuments.findOne({ _id: pageId(tenant, n) });
    if (!document) return null;
    const page = { n: document.n, rows: storedPageRows<Row>(document) };
    // Kept under the stamp of what was read, which the directory may not name yet (or any more).
    if (document.s !== undefined && document.rows_z)
      this.readPages?.set(tenant, page.n, document.s, page.rows);
    return page;
  }

  /** Changes rows of one tenant: writes pages a split created, then the directory, then the pages changed. */
  edit(tenant: string, change: IndexChange<Row>): Promise<void> {
    return this.editMany([[tenant, change]]);
  }

  /**
   * Changes rows of several tenants (or other key spaces) at once: their edits read their
   * pages side by side, and each step of the write (new pages, directories, changed pages) is
   * one bulk write for all of them, in the order `edit` keeps for one. A key space whose
   * directory, once edited, satisfies `closeWhen` is closed instead: its directory is stored
   * with no pages and `closed`, then its pages are deleted; a closed one is left as it is.
   */
  async editMany(
    changes: ReadonlyArray<readonly [string, IndexChange<Row>]>,
    { closeWhen }: { closeWhen?: (directory: IndexDirectory<Counts>) => boolean } = {},
  ): Promise<void> {
    const edited = await mapLimited(changes, EDIT_CONCURRENCY, ([tenant, change]) =>
      this.plan(tenant, change, closeWhen),
    );
    const edits = edited.filter((e) => e !== null);
    try {
      await this.write(edits);
    } catch (e) {
      // Some of it may be stored, some not: read it all again.
      for (const { tenant } of edits) this.written?.forget(this.writtenKey(tenant));
      throw e;
    }
    for (const { tenant, result, newPages, changedPages, inline } of edits) {
      for (const { n, stamp, rows } of [...newPages, ...changedPages])
        this.readPages?.set(tenant, n, stamp, rows);
      if (!this.written) continue;
      if (inline) this.inline.set(result, inline);
      const pages = [...newPages, ...changedPages, ...(inline ? [inline] : [])];
      this.written.set(this.writtenKey(tenant), result, pages);
    }
  }

  /** What to write for one key space's change (null: nothing). */
  private async plan(
    tenant: string,
    change: IndexChange<Row>,
    closeWhen?: (directory: IndexDirectory<Counts>) => boolean,
  ): Promise<PlannedWrites<Row, Counts> | null> {
    const { directory, load } = await this.forEdit(tenant);
    if (directory?.closed) return null;
    const edit = new IndexEdit(this.shape, directory, load);
    for (const row of change.put ?? []) await edit.put(row);
    for (const row of change.add ?? []) await edit.add(row);
    for (const key of change.remove ?? []) await edit.remove(key);
    const writes = edit.writes();
    const result = edit.result;
    const none = { newPages: [], changedPages: [], inline: null, deleted: [] };
    if (closeWhen?.(result)) {
      const closed = { pages: [], next_n: result.next_n, since: result.since, closed: true };
      const deleted = directory?.pages.map((p) => p.n) ?? [];
      return { ...writes, ...none, tenant, directory: closed, result: closed, deleted };
    }
    if (this.shape.inlineSinglePage && result.pages.length === 1) {
      const touched = [...writes.newPages, ...writes.changedPages];
      if (touched.length === 0 && !writes.directory) return null;
      const n = result.pages[0].n;
      const inline = touched[0] ?? (await load(n)) ?? { n, rows: [] };
      // A page an earlier layout stored on its own goes once the directory holds its rows.
      const deleted = directory?.pages.length && !this.inline.has(directory) ? [n] : [];
      return { ...writes, ...none, tenant, directory: result, result, inline, deleted };
    }
    // A page held inline until now gets its own document before the directory stops holding it.
    const wasInline = directory ? this.inline.get(directory)?.n : undefined;
    const newPages = [...writes.newPages, ...writes.changedPages.filter((p) => p.n === wasInline)].map(
      packed,
    );
    const changedPages = writes.changedPages.filter((p) => p.n !== wasInline).map(packed);
    // The directory names each page's stamp: it is written whenever a page's rows change.
    let restamped = false;
    for (const page of [...newPages, ...changedPages]) {
      const entry = result.pages.find((p) => p.n === page.n);
      if (!entry || entry.stamp === page.stamp) continue;
      entry.stamp = page.stamp;
      restamped = true;
    }
    const written = writes.directory ?? (restamped ? result : null);
    return { ...writes, ...none, tenant, result, directory: written, newPages, changedPages };
  }

  private async write(edits: Array<PlannedWrites<Row, Counts>>): Promise<void> {
    // What did not exist goes in as inserts: one transaction per command on FerretDB, where
    // each replace is its own (an insert finding its document there after a crash replaces it).
    await this.store(
      edits.flatMap(({ tenant, newPages }) => newPages.map((p) => this.pageDocument(tenant, p))),
      { fresh: true },
    );
    for (const fresh of [true, false])
      await this.store(
        edits.flatMap(({ tenant, newDirectory, directory, inline }) =>
          directory && newDirectory === fresh ? [this.directoryDocument(tenant, directory, inline)] : [],
        ),
        { fresh },
      );
    await this.store(
      edits.flatMap(({ tenant, changedPages }) => changedPages.map((p) => this.pageDocument(tenant, p))),
      { fresh: false },
    );
    // Last, what the directories written no longer point to.
    const pages = this.pageDocuments;
    for (const { tenant, deleted } of edits)
      for (const n of deleted) await pages.deleteOne({ _id: pageId(tenant, n) });
  }

  /**
   * Whether a mark (a one-time job done, say) is set. Marks are documents of the index's
   * collection whose `_id` has no `:`, so none is ever a tenant's page or directory.
   */
  async hasMark(mark: string): Promise<boolean> {
    return (await this.directories.findOne({ _id: markId(mark) })) !== null;
  }

  async setMark(mark: string): Promise<void> {
    const marks = this.collection() as unknown as Collection<{ _id: string; at: number }>;
    await marks.replaceOne({ _id: markId(mark) }, { at: Date.now() }, { upsert: true });
  }

  /** The tenants whose directory began before `version` (and was not brought up to it since). */
  async tenantsBefore(version: number): Promise<string[]> {
    const directories = this.directories.find(
      { _id: { $regex: ':directory$' } },
      { projection: { tenant: 1, since: 1 } },
    );
    const tenants: string[] = [];
    for await (const { tenant, since } of directories) if ((since ?? 0) < version) tenants.push(tenant);
    return tenants;
  }

  /**
   * Records that what `version` keeps beside the index now exists for every row of the
   * tenant. Under the writer's lock: `edit` writes the directory whole.
   */
  async setSince(tenant: string, version: number): Promise<void> {
    this.written?.forget(this.writtenKey(tenant));
    await this.directories.updateOne({ _id: directoryId(tenant) }, { $set: { since: version } });
  }

  /** The stored rows with these keys (those there are), reading each page that may hold one once. */
  async rowsAt(tenant: string, keys: readonly IndexKey[]): Promise<Row[]> {
    const directory = await this.directory(tenant);
    if (!directory || keys.length === 0) return [];
    const byPage = groupByPage(directory, keys);
    const pages = await mapLimited([...byPage], EDIT_CONCURRENCY, async ([index, pageKeys]) => {
      const page = await this.pageOf(tenant, directory, directory.pages[index]);
      if (!page) return [];
      const rows = rowsInRange(this.shape, directory, index, page);
      return pageKeys.flatMap((key) => {
        const at = findRow(this.shape, rows, key);
        return at >= 0 ? [rows[at]] : [];
      });
    });
    return pages.flat();
  }

  /** The pages a walk reads (pagesOfRows), and how many of them it would find in memory: what it costs. */
  walkExtent(
    tenant: string,
    directory: IndexDirectory<Counts>,
    { before, notBefore }: IndexWalk = {},
  ): WalkExtent {
    const extent = { pages: 0, kept: 0 };
    for (let index = this.walkStart(directory, before); index >= 0; index--) {
      extent.pages++;
      if (this.isKept(tenant, directory, directory.pages[index])) extent.kept++;
      if (notBefore !== undefined && directory.pages[index].lo[0] < notBefore) break;
    }
    return extent;
  }

  private walkStart(directory: IndexDirectory<Counts>, before: IndexKey | undefined): number {
    return before ? pageIndexFor(directory, before) : directory.pages.length - 1;
  }

  /** The rows of a directory's pages newest first, from `walk.before`, reading pages ahead. */
  async *rows(tenant: string, directory: IndexDirectory<Counts>, walk: IndexWalk = {}): AsyncIterable<Row> {
    for await (const rows of this.pagesOfRows(tenant, directory, walk)) yield* rows;
  }

  /**
   * The same, a page's rows (newest first) at a time: a walk that reads every row (a count)
   * waits once per page rather than once per row, which costs more than the row's check.
   */
  async *pagesOfRows(
    tenant: string,
    directory: IndexDirectory<Counts>,
    { before, notBefore }: IndexWalk = {},
  ): AsyncIterable<Row[]> {
    const start = this.walkStart(directory, before);
    const reads = new Map<number, Promise<IndexPage<Row> | null>>();
    const read = (index: number) => {
      let page = reads.get(index);
      if (!page) {
        page = this.pageOf(tenant, directory, directory.pages[index]);
        page.catch(() => undefined);
        reads.set(index, page);
      }
      return page;
    };
    for (let index = start; index >= 0; index--) {
      const walked = start - index;
      const reach = walked === 0 ? 0 : Math.min(READ_AHEAD, 2 ** (walked - 1));
      for (let ahead = 1; ahead <= reach && index - ahead >= 0; ahead++) read(index - ahead);
      const page = await read(index);
      reads.delete(index);
      if (page) {
        const rows = rowsInRange(this.shape, directory, index, page).reverse();
        yield before ? rows.filter((row) => compareKeys(this.shape.keyOf(row), before) < 0) : rows;
      }
      if (notBefore !== undefined && directory.pages[index].lo[0] < notBefore) return;
    }
  }

  private directoryDocument(
    tenant: string,
    directory: IndexDirectory<Counts>,
    inline: IndexPage<Row> | null = null,
  ): DirectoryDocument {
    return {
      ...(inline ? { rows_z: packJson(inline.rows) } : {}),
      _id: directoryId(tenant),
      tenant,
      next_n: directory.next_n,
      ...(directory.since !== undefined ? { since: directory.since } : {}),
      ...(directory.closed ? { closed: true as const } : {}),
      pages_z: packJson(
        directory.pages.map((p) => ({
          n: p.n,
          c: p.lo[0],
          id: p.lo[1],
          ...(p.stamp !== undefined ? { s: p.stamp } : {}),
          ...this.shape.storeCounts(p.counts),
        })),
      ),
    };
  }

  private pageDocument(tenant: string, { n, packed, stamp }: PackedPage<Row>): PageDocument<Row> {
    return { _id: pageId(tenant, n), tenant, n, s: stamp, rows_z: packed };
  }

  /**
   * Writes documents by `_id` in bulk: inserts when they are `fresh` (an insert refused as a
   * duplicate is written again as a replace), replaces otherwise. The first other refusal is
   * thrown once all were tried.
   */
  private async store(documents: Stored<Row>[], { fresh }: { fresh: boolean }): Promise<void> {
    if (documents.length === 0) return;
    const operations: AnyBulkWriteOperation<Stored<Row>>[] = documents.map((document) =>
      fresh
        ? { insertOne: { document } }
        : { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } },
    );
    const taken: Stored<Row>[] = [];
    let failure: unknown;
    const collection = this.collection() as unknown as Collection<Stored<Row>>;
    await bulkWriteInCommands(collection, operations, (i, error) => {
      if (fresh && isDuplicateKey(error)) taken.push(documents[i]);
      else failure ??= error;
    });
    if (taken.length) await this.store(taken, { fresh: false });
    if (failure !== undefined) throw failure;
  }
}

function packed<Row>(page: IndexPage<Row>): PackedPage<Row> {
  const bytes = packJson(page.rows);
  return { ...page, packed: bytes, stamp: stampOf(bytes) };
}

/** Keys by the directory position of the page that holds them. */
function groupByPage(directory: IndexDirectory<unknown>, keys: readonly IndexKey[]): Map<number, IndexKey[]> {
  const byPage = new Map<number, IndexKey[]>();
  for (const key of keys) {
    const index = pageIndexFor(directory, key);
    const keysOfPage = byPage.get(index);
    if (keysOfPage) keysOfPage.push(key);
    else byPage.set(index, [key]);
  }
  return byPage;
}
