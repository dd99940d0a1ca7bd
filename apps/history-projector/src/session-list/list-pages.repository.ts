import { Injectable } from '@nestjs/common';
import { IndexPagesStore, MongoService } from '@cobrowse/persistence';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { readModelCollections } from '../sessions/session-document';
import { sessionListShape, type StateCounts } from './list-directory';
import type { ListRow } from './list-row';

/**
 * The index pages of the sessions list and their directory, one collection beside the
 * sessions (`<sessions>_list`), every document addressed by `_id`: `<tenant>:directory` and
 * `<tenant>:<n>`. Only the projection's leader (or a rebuild, in its own collections) writes.
 */
@Injectable()
export class ListPagesRepository extends IndexPagesStore<ListRow, StateCounts> {
  constructor(mongo: MongoService, locator: ReadModelLocator) {
    super(
      sessionListShape,
      () => mongo.db.collection(readModelCollections(locator.sessionsCollection()).list),
      // The projection's leader is the one writer, and forgets whenever leadership changes.
      // 20,000 rows of ~1 KB: the newest pages of the busiest tenants. Filters that walk the
      // pages (a common tag, a plan, a time range) read what did not change from memory:
      // 150,000 rows, ~80 MB decoded, hold every page of a tenant of 100k sessions with room.
      { rememberWrites: 20_000, cacheReads: 150_000 },
    );
  }
}
