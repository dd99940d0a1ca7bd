import { createHash } from 'node:crypto';
import type { Binary } from 'mongodb';
import { WrittenCache } from '../written-cache';
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
  stamp: string;
  rows: Row[];
}

/**
 * Decoded index pages by key space and page number, each kept under the stamp of the content
 * it was read (or written) with: a reader whose directory names the same stamp uses it instead
 * of reading and inflating the page again, so a walk of pages that did not change costs
 * memory reads (a 500-row page of list rows is ~10 ms to read and parse, ~0.27 MB decoded).
 * One version per page: a newer one replaces it. Bounded by rows, the least recently used going
 * first. The rows are shared: whoever edits them copies first (rowsInRange does).
 */
export class ReadPages<Row> {
  private readonly pages: WrittenCache<ReadPage<Row>>;

  constructor(maxRows: number) {
    this.pages = new WrittenCache(maxRows, (page) => page.rows.length);
  }

  get(space: string, n: number, stamp: string | undefined): IndexPage<Row> | null {
    if (stamp === undefined) return null;
    const key = keyOf(space, n);
    const page = this.pages.get(key);
    if (page?.stamp !== stamp) return null;
    this.pages.set(key, page);
    return { n, rows: page.rows };
  }

  set(space: string, n: number, stamp: string, rows: Row[]): void {
    this.pages.set(keyOf(space, n), { stamp, rows });
  }
}

const keyOf = (space: string, n: number) => `${space}\u0000${n}`;
