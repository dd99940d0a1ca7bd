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
    super(sessionListShape, () =>
      mongo.db.collection(readModelCollections(locator.sessionsCollection()).list),
    );
  }
}
