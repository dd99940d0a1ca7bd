import { MongoBulkWriteError, MongoNetworkError, type Collection, type Document } from 'mongodb';
import { InsertBatcher } from './insert-batcher';

/** A collection whose batch insert fails as told, and whose single inserts refuse documents marked bad. */
type Doc = { _id: string; bad?: boolean };

function collection(batchError: Error): { collection: Collection<Doc>; stored: Document[] } {
  const stored: Document[] = [];
  const fake = {
    collectionName: 'c',
    insertMany: async () => {
      throw batchError;
    },
    insertOne: async (document: Document) => {
      if (document.bad) throw Object.assign(new Error('document rejected'), { code: 2 });
      if (stored.some((d) => d._id === document._id)) throw Object.assign(new Error('dup'), { code: 11000 });
      stored.push(document);
      return { acknowledged: true, insertedId: document._id };
    },
  };
  return { collection: fake as unknown as Collection<Doc>, stored };
}

const outcome = (p: Promise<boolean>) =>
  p.then(
    (inserted) => (inserted ? 'inserted' : 'exists'),
    (e: Error) => `failed: ${e.message}`,
  );

describe('InsertBatcher', () => {
  it('retries a batch that failed without naming a document one by one: only the bad one fails', async () => {
    const bulk = new MongoBulkWriteError({ message: 'batch failed', code: 2, writeErrors: [] }, {} as never);
    const { collection: c, stored } = collection(bulk);
    const batcher = new InsertBatcher(500, 1);
    const results = await Promise.all([
      outcome(batcher.insert(c, { _id: 'acme/1' })),
      outcome(batcher.insert(c, { _id: 'globex/2' })),
      outcome(batcher.insert(c, { _id: 'acme/3', bad: true })),
      outcome(batcher.insert(c, { _id: 'globex/4' })),
    ]);
    expect(results).toEqual(['inserted', 'inserted', 'failed: document rejected', 'inserted']);
    expect(stored.map((d) => d._id)).toEqual(['acme/1', 'globex/2', 'globex/4']);
  });

  it('retries one by one when the driver cannot encode one document of the batch', async () => {
    const { collection: c, stored } = collection(
      Object.assign(new Error('key must not contain NUL'), { name: 'BSONError' }),
    );
    const batcher = new InsertBatcher(500, 1);
    const results = await Promise.all([
      outcome(batcher.insert(c, { _id: 'a' })),
      outcome(batcher.insert(c, { _id: 'b', bad: true })),
    ]);
    expect(results).toEqual(['inserted', 'failed: document rejected']);
    expect(stored.map((d) => d._id)).toEqual(['a']);
  });

  it('reports duplicates named by the batch as already there', async () => {
    const bulk = new MongoBulkWriteError(
      { message: 'dup', code: 11000, writeErrors: [{ index: 0, code: 11000 }] as never },
      {} as never,
    );
    const { collection: c } = collection(bulk);
    const batcher = new InsertBatcher(500, 1);
    expect(
      await Promise.all([outcome(batcher.insert(c, { _id: 'a' })), outcome(batcher.insert(c, { _id: 'b' }))]),
    ).toEqual(['exists', 'inserted']);
  });

  it('reports nothing as written when the database could not be reached', async () => {
    const { collection: c, stored } = collection(new MongoNetworkError('connection closed'));
    // (A network error says nothing about any document: all are reported unwritten.)
    const batcher = new InsertBatcher(500, 1);
    expect(
      await Promise.all([outcome(batcher.insert(c, { _id: 'a' })), outcome(batcher.insert(c, { _id: 'b' }))]),
    ).toEqual(['failed: connection closed', 'failed: connection closed']);
    expect(stored).toEqual([]);
  });
});
