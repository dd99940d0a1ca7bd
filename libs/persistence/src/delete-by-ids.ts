import type { Collection, Document, Filter } from 'mongodb';

export const DELETE_BATCH = 10_000;

/**
 * Deletes documents by `_id`, however many. MongoDB takes batches of ids. FerretDB v1
 * (SQLite) does not: a `deleteMany` over many matches fails past SQLite's limit of 32,766
 * variables ("too many SQL variables"), `_id: {$in: [...]}` is evaluated against every
 * document for every id (200 s for 100k), and concurrent deletes lose some of their work.
 * There each document is deleted on its own by `_id` (the one filter it looks up by index),
 * one after another: ~1,000/s.
 */
export async function deleteByIds<T extends Document>(
  collection: Collection<T>,
  ids: unknown[],
  { oneByOne }: { oneByOne: boolean },
): Promise<number> {
  let deleted = 0;
  if (oneByOne) {
    for (const _id of ids) deleted += (await collection.deleteOne({ _id } as Filter<T>)).deletedCount;
    return deleted;
  }
  for (let i = 0; i < ids.length; i += DELETE_BATCH)
    deleted += (await collection.deleteMany({ _id: { $in: ids.slice(i, i + DELETE_BATCH) } } as Filter<T>))
      .deletedCount;
  return deleted;
}
