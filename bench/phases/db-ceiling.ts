import { MongoClient } from 'mongodb';

/**
 * Raw driver writes of a session document (as `GET /v1/sessions/{id}` shows one) to the same
 * database: unordered
 * `insertMany` in batches (what the projector's insert batching sends), and single
 * `insertOne` calls from 64 concurrent writers (what one write per event would cost).
 */
export async function dbWriteCeilings(
  mongoUrl: string,
  sample: Record<string, unknown>,
  batchedCount = 20_000,
): Promise<{ batched: number; single: number }> {
  const client = await MongoClient.connect(mongoUrl);
  try {
    const collection = client.db().collection<{ _id: string }>('bench_write_ceiling');
    await collection.drop().catch(() => undefined);
    const doc = (i: number) => ({ ...sample, _id: `bench/ceiling-${i}`, id: `ceiling-${i}` });

    let started = performance.now();
    for (let i = 0; i < batchedCount; i += 500)
      await collection.insertMany(
        Array.from({ length: 500 }, (_, j) => doc(i + j)),
        { ordered: false },
      );
    const batched = batchedCount / ((performance.now() - started) / 1000);

    const singleCount = Math.max(300, Math.round(batchedCount * 0.15));
    let next = batchedCount;
    started = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < batchedCount + singleCount) await collection.insertOne(doc(next++));
      }),
    );
    const single = singleCount / ((performance.now() - started) / 1000);
    await collection.drop();
    return { batched, single };
  } finally {
    await client.close();
  }
}
