import { Injectable } from '@nestjs/common';
import type { SessionQuery } from '@cobrowse/contracts';
import { compareKeys } from '@cobrowse/persistence';
import type { ListKey, ListRow } from './list-row';
import { ListPagesRepository } from './list-pages.repository';
import { isStateOnly, rowFilter } from './row-filter';

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
    const before = bounds.sort(compareKeys)[0];
    for await (const row of this.pages.rows(tenant, directory, { before, notBefore: query.created_after }))
      if (matches(row)) yield row;
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
