import { Injectable } from '@nestjs/common';
import { MongoService, IndexPagesStore, type IndexDirectory, type IndexShape } from '@cobrowse/persistence';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { readModelCollections } from '../sessions/session-document';
import type { ListKey } from './list-row';
import type { ListTerm } from './list-terms';

/** A posting: a session's list position, nothing else (the session says the rest). */
export type Posting = ListKey;

export interface PostingCounts {
  rows: number;
}

/**
 * Most terms are rare (a device, a customer): their postings live in the directory document
 * itself, one read and one write per change. A term's newest page is rewritten by every batch
 * that posts to it, so pages stay small (500 keys, ~25 KB of JSON).
 */
export const postingShape: IndexShape<Posting, PostingCounts> = {
  keyOf: (posting) => posting,
  countsOf: (rows) => ({ rows: rows.length }),
  sameCounts: (a, b) => a.rows === b.rows,
  storeCounts: (c) => ({ r: c.rows }),
  loadCounts: (s) => ({ rows: s.r }),
  maxRows: 500,
  inlineSinglePage: true,
};

/**
 * A session read by `_id` to check a posting costs about as much as this many rows of a
 * walked index page (~1 ms against ~20 ms for a page of 500): postings are read instead of
 * the list when they hold fewer than 1/POSTING_COST of the tenant's sessions.
 */
const POSTING_COST = 25;

/** Postings of a term are kept up to this many whatever the tenant's size (in a young tenant every term looks common). */
export const POSTINGS_ALWAYS_KEPT = 1_000;

/** Whether a term's postings are the shorter way to its sessions in a tenant of this many. */
export const postingsPay = (postings: number, sessions: number) => postings * POSTING_COST <= sessions;

/**
 * Whether postings grown this large are no longer kept (closed, IndexPagesStore): a term on
 * more than 1/POSTING_COST of the tenant's sessions is never read, and writing it would cost
 * the most of all (its newest page rewritten by every batch that adds one).
 */
export const postingsClose = (postings: number, sessions: number) =>
  postings > POSTINGS_ALWAYS_KEPT && !postingsPay(postings, sessions);

/** Sessions in a term's postings. */
export const postingsIn = (directory: IndexDirectory<PostingCounts> | null): number =>
  (directory?.pages ?? []).reduce((sum, page) => sum + page.counts.rows, 0);

/** The key space of one term's postings in one tenant. */
export const postingSpace = (tenant: string, term: ListTerm) => `${tenant}|${term}`;

/**
 * The postings of every list term (list-terms.ts), one collection beside the sessions
 * (`<sessions>_postings`): per tenant and term, index pages of the list positions of the
 * sessions with that term, newest first like the list, each addressed by `_id`
 * (`<tenant>|<term>:directory`, `<tenant>|<term>:<n>`). Written by the projection's leader
 * (or a rebuild, in its own collections) beside the sessions they point to.
 */
@Injectable()
export class ListPostingsRepository extends IndexPagesStore<Posting, PostingCounts> {
  constructor(mongo: MongoService, locator: ReadModelLocator) {
    super(
      postingShape,
      () => mongo.db.collection(readModelCollections(locator.sessionsCollection()).postings),
      // The projection's leader is the one writer, and forgets whenever leadership changes.
      // 200,000 positions of ~60 bytes: the hot terms' newest pages, recent devices', closed ones.
      { rememberWrites: 200_000 },
    );
  }
}
