import { MongoServerError, type AnyBulkWriteOperation, type Collection } from 'mongodb';
import { bulkWriteInCommands, UPDATES_PER_COMMAND } from './bulk-write';

type Doc = { _id: string };
const insert = (id: string): AnyBulkWriteOperation<Doc> => ({ insertOne: { document: { _id: id } } });
const replace = (id: string): AnyBulkWriteOperation<Doc> => ({
  replaceOne: { filter: { _id: id }, replacement: { _id: id } },
});

/** A collection that records each command and refuses any command holding a document named "bad". */
function recording() {
  const commands: string[][] = [];
  const collection = {
    bulkWrite: async (ops: AnyBulkWriteOperation<Doc>[]) => {
      const ids = ops.map((op) =>
        'insertOne' in op
          ? op.insertOne.document._id
          : (op as { replaceOne: { filter: Doc } }).replaceOne.filter._id,
      );
      commands.push(ids as string[]);
      if (ids.includes('bad')) throw new MongoServerError({ message: 'refused', code: 2 });
      const inserts = ops.filter((op) => 'insertOne' in op).length;
      return { matchedCount: ops.length - inserts, insertedCount: inserts, upsertedCount: 0 };
    },
  } as unknown as Collection<Doc>;
  return { collection, commands };
}

describe('bulkWriteInCommands', () => {
  it('sends a run of inserts as one command and updates a bounded number at a time', async () => {
    const { collection, commands } = recording();
    const ops = [
      ...Array.from({ length: 300 }, (_, i) => insert(`i${i}`)),
      ...Array.from({ length: 2 * UPDATES_PER_COMMAND + 3 }, (_, i) => replace(`u${i}`)),
    ];
    const outcome = await bulkWriteInCommands(collection, ops, () => undefined);
    expect(commands.map((c) => c.length)).toEqual([300, UPDATES_PER_COMMAND, UPDATES_PER_COMMAND, 3]);
    expect(outcome).toEqual({ inserted: 300, matched: 2 * UPDATES_PER_COMMAND + 3 });
  });

  it('finds the one document a refused command could not store, and writes the rest', async () => {
    const { collection } = recording();
    const refused: number[] = [];
    const outcome = await bulkWriteInCommands(collection, [replace('a'), replace('bad'), replace('c')], (i) =>
      refused.push(i),
    );
    expect(refused).toEqual([1]);
    expect(outcome.matched).toBe(2);
  });
});
