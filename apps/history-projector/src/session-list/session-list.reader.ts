import { Injectable } from '@nestjs/common';
import type { SessionQuery } from '@cobrowse/contracts';
import { compareKeys, type IndexDirectory, type IndexWalk } from '@cobrowse/persistence';
import { SessionsRepository } from '../sessions/sessions.repository';
import { ListPagesRepository } from './list-pages.repository';
import { POSTINGS_SINCE, sessionsIn, type ListDirectory } from './list-directory';
import { rowOf, type ListKey, type ListRow } from './list-row';
import {
  ListPostingsRepository,
  postingSpace,
  postingsIn,
  postingsShorter,
  type PostingCounts,
} from './list-postings.repository';
import { termsOfQuery } from './list-terms';
import { isStateOnly, rowFilter, type RowFilter } from './row-filter';

/** Sessions of postings read at once. */
const POSTING_READS = 32;

interface Postings {
  space: string;
  directory: IndexDirectory<PostingCounts> | null;
  size: number;
}

/**
 * Reads the sessions list from the index pages: newest first, from a cursor, filtered in
 * memory. A page of an unfiltered or state-filtered list reads the directory and one or two
 * index pages whatever the tenant's size; a filter naming a device, an agent or a custom data
 * value reads that term's postings when they are the shorter way (each posted session by
 * `_id`, checked against the whole query); other filters walk the pages (a bounded, `_id`
 * addressed read each) and never the sessions collection. Counts by state add up the
 * directory's counters.
 */
@Injectable()
export class SessionListReader {
  constructor(
    private readonly pages: ListPagesRepository,
    private readonly postings: ListPostingsRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  /** Matching rows in list order (newest first), strictly after `after` when given. */
  async *rows(tenant: string, query: SessionQuery, after?: ListKey): AsyncIterable<ListRow> {
    for await (const rows of this.matchingRuns(tenant, query, after)) yield* rows;
  }

  async count(tenant: string, query: SessionQuery): Promise<number> {
    if (isStateOnly(query)) {
      return sessionsIn(await this.pages.directory(tenant), query.states?.length ? query.states : undefined);
    }
    let count = 0;
    for await (const rows of this.matchingRuns(tenant, query)) count += rows.length;
    return count;
  }

  /** Matching rows in list order, a run at a time (an index page's, or a read of postings'). */
  private async *matchingRuns(
    tenant: string,
    query: SessionQuery,
    after?: ListKey,
  ): AsyncIterable<ListRow[]> {
    const directory = await this.pages.directory(tenant);
    if (!directory) return;
    const matches = rowFilter(query);
    // Rows before `created_before` or the cursor: nothing newer is read.
    const bounds: ListKey[] = [];
    if (after) bounds.push(after);
    if (query.created_before !== undefined) bounds.push([query.created_before, '']);
    const walk: IndexWalk = { before: bounds.sort(compareKeys)[0], notBefore: query.created_after };
    const postings = await this.shortestPostings(tenant, directory, query, walk);
    if (postings) yield* this.postedRows(tenant, postings, walk, matches);
    else for await (const rows of this.pages.pagesOfRows(tenant, directory, walk)) yield rows.filter(matches);
  }

  /**
   * The postings of the query's rarest term, when the tenant has postings for every session
   * (its list began at POSTINGS_SINCE) and they are shorter to read than the walk of the list.
   */
  private async shortestPostings(
    tenant: string,
    directory: ListDirectory,
    query: SessionQuery,
    walk: IndexWalk,
  ): Promise<Postings | null> {
    if ((directory.since ?? 0) < POSTINGS_SINCE) return null;
    const terms = termsOfQuery(query);
    if (terms.length === 0) return null;
    const candidates = await Promise.all(
      terms.map(async (term): Promise<Postings> => {
        const space = postingSpace(tenant, term);
        const postings = await this.postings.directory(space);
        // Closed postings (too common to be kept) are never the shorter way.
        const size = postings?.closed ? Infinity : postingsIn(postings);
        return { space, directory: postings, size };
      }),
    );
    const shortest = candidates.reduce((a, b) => (b.size < a.size ? b : a));
    return postingsShorter(shortest.size, this.pages.walkExtent(tenant, directory, walk)) ? shortest : null;
  }

  /** The posted sessions in list order that match the query, read by `_id` POSTING_READS at a time. */
  private async *postedRows(
    tenant: string,
    { space, directory }: Postings,
    walk: IndexWalk,
    matches: RowFilter,
  ): AsyncIterable<ListRow[]> {
    if (!directory) return;
    let ids: string[] = [];
    for await (const [, id] of this.postings.rows(space, directory, walk)) {
      ids.push(id);
      if (ids.length < POSTING_READS) continue;
      yield await this.matching(tenant, ids, matches);
      ids = [];
    }
    yield await this.matching(tenant, ids, matches);
  }

  /** The rows of these sessions that match, in the order given (a posting may outlive a change). */
  private async matching(tenant: string, ids: string[], matches: RowFilter): Promise<ListRow[]> {
    const sessions = await Promise.all(ids.map((id) => this.sessions.findListed(tenant, id)));
    return sessions.flatMap((session) => (session ? [rowOf(session)] : [])).filter(matches);
  }
}
