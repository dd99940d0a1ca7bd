import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { bulkWriteInCommands } from '@cobrowse/persistence';
import { toDocuments } from '../../apps/history-projector/src/sessions/session-document';
import { BENCH_KEY } from '../workload';

/** A session event of the drained slice, in the order the relays sent it. */
export interface SentSessionEvent {
  sessionId: string;
  /** Pages the session has once this event is applied. */
  pages: number;
}

/**
 * The raw driver doing the projector's job with nothing else to do: the slice's session events
 * in send order, cut into batches of `batchSize` events (the projector's pull batch); per batch,
 * the documents of each session it touches as the projector stores them (`toDocuments`: the
 * session packed, with the pages it had after the batch; the chunk documents of pages past the
 * first 100 that the batch added), made from the session as `GET /v1/sessions/{id}` shows it at
 * the end of the run — written with `replaceOne(upsert)` by `_id`, a batch in unordered
 * `bulkWrite`s of 25 (as the projector writes them), batches one after another. Events per
 * second of that.
 */
export async function projectionCeiling(
  mongoUrl: string,
  gatewayUrl: string,
  tenant: string,
  events: SentSessionEvent[],
  batchSize: number,
): Promise<{ eps: number; events: number; writes: number; batches: number; meanDocumentBytes: number }> {
  const ids = [...new Set(events.map((e) => e.sessionId))];
  const docs = new Map<string, Record<string, unknown>>();
  const headers = { authorization: `Bearer ${BENCH_KEY}` };
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const r = await fetch(`${gatewayUrl}/v1/sessions/${id}`, { headers });
        if (r.status === 200) docs.set(id, (await r.json()) as Record<string, unknown>);
        else await r.arrayBuffer();
      }
    }),
  );
  const replay = events.filter((e) => docs.has(e.sessionId));
  let bytes = 0;
  for (const d of docs.values()) bytes += JSON.stringify(d).length;

  const client = await MongoClient.connect(mongoUrl);
  try {
    const collection = client
      .db()
      .collection<Record<string, unknown> & { _id: string }>('bench_projection_ceiling');
    await collection.drop().catch(() => undefined);
    let writes = 0;
    let batches = 0;
    const started = performance.now();
    const pagesWritten = new Map<string, number>();
    for (let i = 0; i < replay.length; i += batchSize) {
      const pagesAfter = new Map<string, number>();
      for (const e of replay.slice(i, i + batchSize))
        pagesAfter.set(e.sessionId, Math.max(pagesAfter.get(e.sessionId) ?? 0, e.pages));
      const ops: AnyBulkWriteOperation<Record<string, unknown> & { _id: string }>[] = [];
      for (const [id, pages] of pagesAfter) {
        const resource = docs.get(id)!;
        const snapshot = {
          ...resource,
          tenant,
          pages: (resource.pages as unknown[]).slice(0, pages),
        } as unknown as SessionSnapshot;
        const { session, chunks } = toDocuments(snapshot, pagesWritten.get(id) ?? 0);
        pagesWritten.set(id, pages);
        for (const document of [...chunks, session] as Array<Record<string, unknown> & { _id: string }>)
          ops.push({ replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } });
      }
      await bulkWriteInCommands(collection, ops, (_index, error) => {
        throw error;
      });
      writes += ops.length;
      batches++;
    }
    const seconds = (performance.now() - started) / 1000;
    await collection.drop();
    return {
      eps: replay.length / seconds,
      events: replay.length,
      writes,
      batches,
      meanDocumentBytes: docs.size ? Math.round(bytes / docs.size) : 0,
    };
  } finally {
    await client.close();
  }
}
