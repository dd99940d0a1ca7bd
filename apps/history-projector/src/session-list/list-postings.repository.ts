import { Injectable } from '@nestjs/common';
import { MongoService, IndexPagesStore, type IndexShape } from '@cobrowse/persistence';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { readModelCollections } from '../sessions/session-document';
import type { ListKey } from './list-row';
import type { ListTerm } from './list-terms';

/** A posting: a session's list position, nothing else (the session says the rest). */
export type Posting = ListKey;

export interface PostingCounts {
  rows: number;
}

/** Postings are tiny: pages of up to 2,000 keep a term's directory short. */
export const postingShape: IndexShape<Posting, PostingCounts> = {
  keyOf: (posting) => posting,
  countsOf: (rows) => ({ rows: rows.length }),
  sameCounts: (a, b) => a.rows === b.rows,
  storeCounts: (c) => ({ r: c.rows }),
  loadCounts: (s) => ({ rows: s.r }),
  maxRows: 2_000,
};

/** The key space of one term's postings in one tenant. */
export const postingSpace = (tenant: string, term: ListTerm) => `${tenant}|${term}`;

/**
 * The postings of every list term (list-terms.ts), one collection beside the sessions
 * (`<sessions>_postings`): per tenant and term, index pages of the list positions of the
 * sessions with that term, newest first like the list, each addressed by `_id`
 * (`<tenant>|<term>:directory`, `<tenant>|<term>:<n>`). Written by the projection's leader
 * (or a rebuild, in its own collections) before the sessions they point to.
 */
@Injectable()
export class ListPostingsRepository extends IndexPagesStore<Posting, PostingCounts> {
  constructor(mongo: MongoService, locator: ReadModelLocator) {
    super(postingShape, () =>
      mongo.db.collection(readModelCollections(locator.sessionsCollection()).postings),
    );
  }
}
