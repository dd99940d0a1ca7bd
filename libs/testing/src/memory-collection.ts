import { BSON, type Collection, type Document } from 'mongodb';
import { IndexPagesStore, type IndexShape } from '@cobrowse/persistence';

/**
 * A collection addressed by `_id` alone, in memory: what read models shaped for `_id` lookups
 * need from the driver (`findOne`, `replaceOne`, `deleteOne`, `bulkWrite` of `insertOne`s and `replaceOne`s: a
 * taken `_id` refuses the whole command, as FerretDB does), each document
 * copied in and out through BSON as the driver does. `read` lists every `_id` read, in order.
 */
export function memoryCollection(documents = new Map<string, Document>()): {
  collection: Collection<Document>;
  documents: Map<string, Document>;
  read: string[];
} {
  const read: string[] = [];
  const copy = (document: Document) => BSON.deserialize(BSON.serialize(document));
  const replace = (filter: { _id: string }, replacement: Document) =>
    documents.set(filter._id, copy({ ...replacement, _id: filter._id }));
  const collection = {
    findOne: async (filter: { _id: string }) => {
      read.push(filter._id);
      const document = documents.get(filter._id);
      return document ? copy(document) : null;
    },
    replaceOne: async (filter: { _id: string }, replacement: Document) => {
      replace(filter, replacement);
      return { matchedCount: 1 };
    },
    deleteOne: async (filter: { _id: string }) => ({ deletedCount: Number(documents.delete(filter._id)) }),
    bulkWrite: async (
      operations: Array<
        | { replaceOne: { filter: { _id: string }; replacement: Document } }
        | { insertOne: { document: Document & { _id: string } } }
      >,
    ) => {
      const taken = operations.find((o) => 'insertOne' in o && documents.has(o.insertOne.document._id));
      if (taken) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      for (const o of operations)
        if ('insertOne' in o) replace({ _id: o.insertOne.document._id }, o.insertOne.document);
        else replace(o.replaceOne.filter, o.replaceOne.replacement);
      const inserted = operations.filter((o) => 'insertOne' in o).length;
      return { matchedCount: operations.length - inserted, insertedCount: inserted, upsertedCount: 0 };
    },
  } as unknown as Collection<Document>;
  return { collection, documents, read };
}

/**
 * An index built through IndexPagesStore.edit, `chunk` rows per edit, in memory. `pagesRead()`
 * lists the index pages (not the directory) read since the build or the last `forgetReads()`.
 */
export async function memoryIndex<Row, Counts>(
  shape: IndexShape<Row, Counts>,
  tenant: string,
  rows: readonly Row[],
  chunk: number,
): Promise<{ store: IndexPagesStore<Row, Counts>; pagesRead: () => string[]; forgetReads: () => void }> {
  const { collection, read } = memoryCollection();
  const store = new IndexPagesStore(shape, () => collection);
  for (let i = 0; i < rows.length; i += chunk) await store.edit(tenant, { put: rows.slice(i, i + chunk) });
  read.length = 0;
  return {
    store,
    pagesRead: () => read.filter((id) => id !== `${tenant}:directory`),
    forgetReads: () => void (read.length = 0),
  };
}
