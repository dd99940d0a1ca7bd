import { MongoBulkWriteError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';

const DUPLICATE_KEY = 11000;

interface PendingInsert {
  document: Document;
  resolve: (inserted: boolean) => void;
  reject: (error: Error) => void;
}

/**
 * Inserts issued by concurrent handlers within a couple of milliseconds go to the database as
 * one unordered `insertMany`. On FerretDB (SQLite) that is one transaction instead of one per
 * document: ~12,000 documents/s instead of ~1,000. Each caller still learns its own outcome:
 * true when inserted, false when a document with that `_id` was already there.
 */
export class InsertBatcher {
  private readonly pending = new Map<
    string,
    { collection: Collection<Document>; inserts: PendingInsert[] }
  >();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly maxBatch = 500,
    private readonly lingerMs = 2,
  ) {}

  insert<T extends Document>(
    collection: Collection<T>,
    document: OptionalUnlessRequiredId<T>,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const name = collection.collectionName;
      const queue = this.pending.get(name) ?? {
        collection: collection as unknown as Collection<Document>,
        inserts: [] as PendingInsert[],
      };
      this.pending.set(name, queue);
      queue.inserts.push({ document, resolve, reject });
      if (queue.inserts.length >= this.maxBatch) this.flush(name);
      else this.timer ??= setTimeout(() => this.flushAll(), this.lingerMs);
    });
  }

  private flushAll(): void {
    this.timer = undefined;
    for (const name of [...this.pending.keys()]) this.flush(name);
  }

  private flush(name: string): void {
    const queue = this.pending.get(name);
    if (!queue) return;
    this.pending.delete(name);
    void this.write(queue.collection, queue.inserts);
  }

  private async write(collection: Collection<Document>, inserts: PendingInsert[]): Promise<void> {
    try {
      await collection.insertMany(
        inserts.map((i) => i.document),
        { ordered: false },
      );
      for (const i of inserts) i.resolve(true);
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError)) {
        for (const i of inserts) i.reject(e as Error);
        return;
      }
      const errors = new Map<number, { code: number; errmsg?: string }>();
      for (const w of [e.writeErrors].flat()) errors.set(w.index, { code: w.code, errmsg: w.errmsg });
      inserts.forEach((insert, index) => {
        const error = errors.get(index);
        if (!error) insert.resolve(true);
        else if (error.code === DUPLICATE_KEY) insert.resolve(false);
        else insert.reject(new Error(error.errmsg ?? `insert failed with code ${error.code}`));
      });
    }
  }
}
