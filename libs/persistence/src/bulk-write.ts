import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { classifyFailure, waitsOut } from '@cobrowse/resilience';

/**
 * Update statements per command. FerretDB v1 keeps every statement's query open until the
 * whole update command ends (a `defer` in a loop, v1.24 `msg_update.go`) and takes one more
 * connection for each write, from a pool of 100: a command of about a hundred updates waits
 * for a connection forever, and so do all the commands behind it (the benchmark's fill stalled
 * for good that way). Inserts do not query, so they go in one command (one transaction).
 */
export const UPDATES_PER_COMMAND = 25;

export interface BulkOutcome {
  matched: number;
  inserted: number;
}

/**
 * An unordered bulk write in commands FerretDB can run: inserts together, updates
 * UPDATES_PER_COMMAND at a time, one command after the other. Each operation the database
 * refuses is reported by its index; an unreachable database is thrown (the consumer waits it
 * out). A server that refuses a whole command for one document (FerretDB does) is asked again
 * one operation at a time, so one document it cannot store never holds back the others.
 */
export async function bulkWriteInCommands<T extends Document>(
  collection: Collection<T>,
  operations: AnyBulkWriteOperation<T>[],
  refused: (index: number, error: unknown) => void,
): Promise<BulkOutcome> {
  const total: BulkOutcome = { matched: 0, inserted: 0 };
  for (const [start, end] of commands(operations)) {
    const part = operations.slice(start, end);
    const outcome = await writeCommand(collection, part, (i, error) => refused(start + i, error));
    total.matched += outcome.matched;
    total.inserted += outcome.inserted;
  }
  return total;
}

/** [start, end) ranges: a run of inserts is one command, updates go UPDATES_PER_COMMAND at a time. */
function commands<T extends Document>(operations: AnyBulkWriteOperation<T>[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  while (start < operations.length) {
    let end = start + 1;
    if ('insertOne' in operations[start])
      while (end < operations.length && 'insertOne' in operations[end]) end++;
    else
      while (
        end < operations.length &&
        end - start < UPDATES_PER_COMMAND &&
        !('insertOne' in operations[end])
      )
        end++;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

async function writeCommand<T extends Document>(
  collection: Collection<T>,
  operations: AnyBulkWriteOperation<T>[],
  refused: (index: number, error: unknown) => void,
): Promise<BulkOutcome> {
  try {
    const result = await collection.bulkWrite(operations, { ordered: false });
    return { matched: result.matchedCount, inserted: result.insertedCount + result.upsertedCount };
  } catch (e) {
    if (waitsOut(classifyFailure(e))) throw e;
    if (
      e instanceof MongoBulkWriteError &&
      e.writeErrors !== undefined &&
      [e.writeErrors].flat().length > 0
    ) {
      for (const error of [e.writeErrors].flat()) refused(error.index, error);
      return { matched: e.result.matchedCount, inserted: e.result.insertedCount + e.result.upsertedCount };
    }
    if (operations.length === 1) {
      refused(0, e);
      return { matched: 0, inserted: 0 };
    }
    const total: BulkOutcome = { matched: 0, inserted: 0 };
    for (const [index, operation] of operations.entries()) {
      const one = await writeCommand(collection, [operation], (_i, error) => refused(index, error));
      total.matched += one.matched;
      total.inserted += one.inserted;
    }
    return total;
  }
}
