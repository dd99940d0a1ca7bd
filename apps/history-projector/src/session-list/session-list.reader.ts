import { Injectable } from '@nestjs/common';
import type { SessionQuery } from '@cobrowse/contracts';
import { pageIndexFor, rowsInRange, type IndexPage } from './list-directory';
import { compareKeys, keyOfRow, type ListKey, type ListRow } from './list-row';
import { ListPagesRepository } from './list-pages.repository';
import { isStateOnly, rowFilter } from './row-filter';

/** Pages read ahead of the one being filtered: a filtered walk waits on the database less. */
const READ_AHEAD = 4;

/**
 * Reads the sessions list from the index pages: newest first, from a cursor, filtered in
 * memory. A page of an unfiltered or state-filtered list reads the directory and one or two
 * index pages whatever the tenant's size; other filters walk the pages (a bounded, `_id`
 * addressed read each) and never the sessions collection. Counts by state add up the
 * directory's counters.
 */
@Injectable()
export class SessionListReader {
  constructor(private readonly pages: ListPagesRepository) {}

  /** Matching rows in list order (newest first), strictly after `after` when given. */
  async *rows(tenant: string, query: SessionQuery, after?: ListKey): AsyncIterable<ListRow> {
    const directory = await this.pages.directory(tenant);
    if (!directory) return;
    const matches = rowFilter(query);
    // Rows before `created_before` or the cursor: nothing newer is read.
    const bounds: ListKey[] = [];
    if (after) bounds.push(after);
    if (query.created_before !== undefined) bounds.push([query.created_before, '']);
    const upper = bounds.sort(compareKeys)[0];
    const start = upper ? pageIndexFor(directory, upper) : directory.pages.length - 1;
    const reads = new Map<number, Promise<IndexPage | null>>();
    const read = (index: number) => {
      let page = reads.get(index);
      if (!page) {
        page = this.pages.page(tenant, directory.pages[index].n);
        page.catch(() => undefined);
        reads.set(index, page);
      }
      return page;
    };
    for (let index = start; index >= 0; index--) {
      for (let ahead = 1; ahead <= READ_AHEAD && index - ahead >= 0; ahead++) read(index - ahead);
      const page = await read(index);
      reads.delete(index);
      if (page) {
        const rows = rowsInRange(directory, index, page).filter(
          (row) => (!upper || compareKeys(keyOfRow(row), upper) < 0) && matches(row),
        );
        for (let i = rows.length - 1; i >= 0; i--) yield rows[i];
      }
      // Every older page holds rows created at or before this page's start.
      if (query.created_after !== undefined && directory.pages[index].lo[0] < query.created_after) return;
    }
  }

  async count(tenant: string, query: SessionQuery): Promise<number> {
    if (isStateOnly(query)) {
      const directory = await this.pages.directory(tenant);
      const states = query.states?.length ? query.states : (['pending', 'active', 'ended'] as const);
      let count = 0;
      for (const entry of directory?.pages ?? []) for (const state of states) count += entry.counts[state];
      return count;
    }
    let count = 0;
    for await (const _row of this.rows(tenant, query)) count++;
    return count;
  }
}
