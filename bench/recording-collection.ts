import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/** A write a recording collection took, to send to a real database later. */
export type RecordedWrite = AnyBulkWriteOperation<Document & { _id: string }> | { deleteId: string };

/**
 * A collection in memory, addressed by `_id` (what index pages read and write), that records
 * every write it takes: the bench computes the documents a read model writes without a
 * database, then times a real database writing exactly those. A document it does not hold is
 * asked of `seed` once (null: there is none).
 */
export function recordingCollection(seed: (_id: string) => Promise<Document | null> = async () => null): {
  collection: Collection<Document>;
  take: () => RecordedWrite[];
} {
  const documents = new Map<string, Document | null>();
  let writes: RecordedWrite[] = [];
  const collection = {
    findOne: async ({ _id }: { _id: string }) => {
      if (!documents.has(_id)) documents.set(_id, await seed(_id));
      return documents.get(_id) ?? null;
    },
    bulkWrite: async (operations: AnyBulkWriteOperation<Document & { _id: string }>[]) => {
      for (const o of operations) {
        if ('insertOne' in o && documents.get(o.insertOne.document._id))
          throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      }
      for (const o of operations)
        if ('insertOne' in o) documents.set(o.insertOne.document._id, o.insertOne.document);
        else if ('replaceOne' in o)
          documents.set(o.replaceOne.filter._id as string, o.replaceOne.replacement);
      writes.push(...operations);
      return { matchedCount: operations.length, insertedCount: 0, upsertedCount: 0 };
    },
    deleteOne: async ({ _id }: { _id: string }) => {
      writes.push({ deleteId: _id });
      const deleted = documents.get(_id) ? 1 : 0;
      documents.set(_id, null);
      return { deletedCount: deleted };
    },
  } as unknown as Collection<Document>;
  return {
    collection,
    take: () => {
      const taken = writes;
      writes = [];
      return taken;
    },
  };
}
