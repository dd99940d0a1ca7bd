import { Injectable } from '@nestjs/common';
import {
  MAX_PAGE_ROWS,
  MongoService,
  IndexPagesStore,
  type IndexDirectory,
  type IndexShape,
  type WalkExtent,
} from '@cobrowse/persistence';
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
 * What a read costs, in milliseconds, measured at 100k sessions on the local default
 * (docs/performance.md): an index page of 500 list rows read from the database and inflated,
 * the same page kept in memory (ReadPages) and filtered, a posted session read by `_id` (32
 * side by side) to check it against the query.
 */
const COST_MS = { pageRead: 20, pageKept: 0.4, postedSession: 1 };

/** Postings of a term are kept up to this many whatever the tenant's size (in a young tenant every term looks common). */
export const POSTINGS_ALWAYS_KEPT = 1_000;

/**
 * Whether a term's postings can be the shorter way to its sessions in a tenant of this many:
 * shorter than a walk that reads every page from the database (1 posted session per 25 rows).
 */
export const postingsPay = (postings: number, sessions: number) =>
  postings * COST_MS.postedSession <= (sessions / MAX_PAGE_ROWS) * COST_MS.pageRead;

/**
 * Whether a term's postings are shorter to read now than this walk of the list, whose kept
 * pages cost fifty times less than those it reads: a walk of 100k sessions kept in memory
 * (~80 ms) is shorter than the postings of any term on more than ~80 of them.
 */
export const postingsShorter = (postings: number, walk: WalkExtent) =>
  postings * COST_MS.postedSession <=
  walk.kept * COST_MS.pageKept + (walk.pages - walk.kept) * COST_MS.pageRead;

/**
 * Whether postings grown this large are no longer kept (closed, IndexPagesStore): a term on
 * more than 1/25 of the tenant's sessions is never read, and writing it would cost
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
