import type { Collection, Document, Filter } from 'mongodb';

export const DELETE_BATCH = 10_000;

/**
 * Deletes every match of `filter`, however many. A plain `deleteMany` does not do on FerretDB
 * v1 (SQLite): it deletes all matches in one SQL statement with one variable per document and
 * fails past SQLite's limit of 32,766 ("too many SQL variables"); `_id: {$in: [...]}` is
 * evaluated against every document for every id (200 s for 100k); and concurrent deletes lose
 * some of their work. So there the ids are read in one pass and deleted one by one by `_id`
 * (the one filter it looks up by index), ~1,100/s. MongoDB deletes batches of ids.
 */
export async function deleteAllMatching<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  { oneByOne }: { oneByOne: boolean },
): Promise<number> {
  let deleted = 0;
  if (oneByOne) {
    const ids = (await collection.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    for (const _id of ids) deleted += (await collection.deleteOne({ _id } as Filter<T>)).deletedCount;
    return deleted;
  }
  for (;;) {
    const ids = (
      await collection.find(filter, { projection: { _id: 1 }, limit: DELETE_BATCH }).toArray()
    ).map((d) => d._id);
    if (!ids.length) return deleted;
    deleted += (await collection.deleteMany({ _id: { $in: ids } } as Filter<T>)).deletedCount;
    if (ids.length < DELETE_BATCH) return deleted;
  }
}
