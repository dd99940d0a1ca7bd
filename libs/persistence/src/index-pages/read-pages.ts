import { createHash } from 'node:crypto';
import type { Binary } from 'mongodb';
import type { IndexPage } from './index-directory';

/**
 * What a page's rows are, as stored: a hash of its packed bytes, kept in the page document
 * and in its directory entry. The same rows always pack to the same bytes, so a stamp names
 * one content and a page read under it can never be out of date.
 */
export function stampOf(packed: Binary): string {
  return createHash('sha256').update(packed.value()).digest('base64url').slice(0, 16);
}

interface ReadPage<Row> {
  key: string;
  stamp: string;
  rows: Row[];
}

/**
 * Decoded index pages by key space and page number, each kept under the stamp of the content
 * it was read (or written) with: a reader whose directory names the same stamp uses it instead
 * of reading and inflating the page again, so a walk of pages that did not change costs
 * memory reads (a 500-row page of list rows is ~10 ms to read and parse, ~0.27 MB decoded).
 * One version per page: a newer one replaces it. The rows are shared: whoever edits them
 * copies first (rowsInRange does).
 *
 * Bounded by rows. Past the bound a page chosen at random goes, not the least recently used:
 * a walk of every page is the usual reader, and a walk longer than the bound would find no
 * page left under LRU (each evicted just before it is needed again); at random, a share of
 * them about the bound's share of the walk stays.
 */
export class ReadPages<Row> {
  private readonly byKey = new Map<string, ReadPage<Row>>();
  /** The same pages in no order, for a random pick in constant time. */
  private readonly held: ReadPage<Row>[] = [];
  private readonly slot = new Map<string, number>();
  private rows = 0;

  constructor(
    private readonly maxRows: number,
    private readonly random: () => number = Math.random,
  ) {}

  get(space: string, n: number, stamp: string | undefined): IndexPage<Row> | null {
    if (stamp === undefined) return null;
    const page = this.byKey.get(keyOf(space, n));
    return page?.stamp === stamp ? { n, rows: page.rows } : null;
  }

  has(space: string, n: number, stamp: string | undefined): boolean {
    return stamp !== undefined && this.byKey.get(keyOf(space, n))?.stamp === stamp;
  }

  set(space: string, n: number, stamp: string, rows: Row[]): void {
    const key = keyOf(space, n);
    this.remove(key);
    const page = { key, stamp, rows };
    this.byKey.set(key, page);
    this.slot.set(key, this.held.length);
    this.held.push(page);
    this.rows += rows.length;
    while (this.rows > this.maxRows && this.held.length > 1) {
      const victim = this.held[Math.floor(this.random() * (this.held.length - 1))];
      this.remove(victim.key); // never the page just kept (the last slot)
    }
  }

  private remove(key: string): void {
    const page = this.byKey.get(key);
    if (!page) return;
    const at = this.slot.get(key)!;
    const last = this.held.pop()!;
    if (last !== page) {
      this.held[at] = last;
      this.slot.set(last.key, at);
    }
    this.byKey.delete(key);
    this.slot.delete(key);
    this.rows -= page.rows.length;
  }
}

const keyOf = (space: string, n: number) => `${space}\u0000${n}`;
