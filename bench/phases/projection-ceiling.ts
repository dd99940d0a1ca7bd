import { MongoClient, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { bulkWriteInCommands, type MongoService } from '@cobrowse/persistence';
import { ListPagesRepository } from '../../apps/history-projector/src/session-list/list-pages.repository';
import { ListPostingsRepository } from '../../apps/history-projector/src/session-list/list-postings.repository';
import { rowOf } from '../../apps/history-projector/src/session-list/list-row';
import { SessionListWriter } from '../../apps/history-projector/src/session-list/session-list.writer';
import type { ReadModelLocator } from '../../apps/history-projector/src/sessions/read-model-locator';
import {
  readModelCollections,
  SESSIONS_COLLECTION,
  toDocuments,
} from '../../apps/history-projector/src/sessions/session-document';
import { recordingCollection, type RecordedWrite } from '../recording-collection';
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
 * the documents the projector writes for the sessions it touches, made from each session as
 * `GET /v1/sessions/{id}` shows it at the end of the run with the pages it had after the batch:
 * the postings of the terms the batch's sessions gained, the sessions (`toDocuments`: packed,
 * with the chunk documents of pages past the first 100 that the batch added), then the list's
 * index pages and directory. The list and postings documents are computed beforehand by the
 * projector's own SessionListWriter over collections in memory; the timed part is the database
 * taking them: sessions with `replaceOne(upsert)` by `_id`, every write in unordered
 * `bulkWrite`s of 25 updates (inserts in one command), as the projector sends them, batches one
 * after another. Events per second of that. What it does not do is read: the projector's reads
 * are what the ratio to this measures.
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

  const snapshots = new Map<string, SessionSnapshot>();
  for (const [id, resource] of docs)
    snapshots.set(id, {
      ...resource,
      tenant,
      created_at: Date.parse(resource.created_at as string),
      activated_at: resource.activated_at ? Date.parse(resource.activated_at as string) : null,
      ended_at: resource.ended_at ? Date.parse(resource.ended_at as string) : null,
    } as unknown as SessionSnapshot);
  const client = await MongoClient.connect(mongoUrl);
  try {
    const postingsNow = client
      .db()
      .collection<Document & { _id: string }>(readModelCollections(SESSIONS_COLLECTION).postings);
    const batches = await documentsPerBatch(tenant, snapshots, replay, batchSize, async (_id) => {
      const stored = _id.endsWith(':directory') ? await postingsNow.findOne({ _id }) : null;
      return stored?.closed ? stored : null;
    });
    const db = client.db();
    const collections = {
      postings: db.collection<Document & { _id: string }>('bench_projection_ceiling_postings'),
      sessions: db.collection<Document & { _id: string }>('bench_projection_ceiling'),
      list: db.collection<Document & { _id: string }>('bench_projection_ceiling_list'),
    };
    for (const c of Object.values(collections)) await c.drop().catch(() => undefined);
    let writes = 0;
    const started = performance.now();
    for (const batch of batches)
      for (const part of ['postings', 'sessions', 'list'] as const) {
        writes += batch[part].length;
        await send(collections[part], batch[part]);
      }
    const seconds = (performance.now() - started) / 1000;
    for (const c of Object.values(collections)) await c.drop();
    return {
      eps: replay.length / seconds,
      events: replay.length,
      writes,
      batches: batches.length,
      meanDocumentBytes: docs.size ? Math.round(bytes / docs.size) : 0,
    };
  } finally {
    await client.close();
  }
}

type BatchWrites = Record<'postings' | 'sessions' | 'list', RecordedWrite[]>;

/**
 * What the projector writes for each batch, computed in memory by its own document and list
 * code.
 */
async function documentsPerBatch(
  tenant: string,
  sessions: Map<string, SessionSnapshot>,
  replay: SentSessionEvent[],
  batchSize: number,
  closedPostings: (directoryId: string) => Promise<Document | null>,
): Promise<BatchWrites[]> {
  // The list and rare terms' postings begin empty (the slice's sessions and devices are new);
  // a term the projector stopped posting (too common, closed) is closed here too.
  const recorded = { list: recordingCollection(), postings: recordingCollection(closedPostings) };
  const locator = { sessionsCollection: () => 'sessions' } as ReadModelLocator;
  const over = (collection: Collection<Document>) =>
    ({ db: { collection: () => collection } }) as unknown as MongoService;
  const writer = new SessionListWriter(
    new ListPagesRepository(over(recorded.list.collection), locator),
    new ListPostingsRepository(over(recorded.postings.collection), locator),
  );
  const written = new Map<string, SessionSnapshot>();
  const batches: BatchWrites[] = [];
  for (let i = 0; i < replay.length; i += batchSize) {
    const pagesAfter = new Map<string, number>();
    for (const e of replay.slice(i, i + batchSize))
      pagesAfter.set(e.sessionId, Math.max(pagesAfter.get(e.sessionId) ?? 0, e.pages));
    const sessionWrites: RecordedWrite[] = [];
    const changes = [];
    for (const [id, pages] of pagesAfter) {
      const full = sessions.get(id)!;
      const now = { ...full, pages: full.pages.slice(0, pages) };
      const before = written.get(id);
      const { session, chunks } = toDocuments(now, before?.pages.length ?? 0);
      for (const document of [...chunks, session] as Array<Document & { _id: string }>)
        sessionWrites.push({
          replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true },
        });
      changes.push({ row: rowOf(now), was: before ? rowOf(before) : null });
      written.set(id, now);
    }
    await writer.post(tenant, changes);
    const postings = recorded.postings.take();
    await writer.apply(tenant, { put: changes.map((c) => c.row) });
    batches.push({ postings, sessions: sessionWrites, list: recorded.list.take() });
  }
  return batches;
}

/** Writes as the projector sends them: in bulk (inserts in one command, 25 updates per command), deletes one by one. */
async function send(
  collection: Collection<Document & { _id: string }>,
  writes: RecordedWrite[],
): Promise<void> {
  const bulk = writes.filter(
    (w): w is AnyBulkWriteOperation<Document & { _id: string }> => !('deleteId' in w),
  );
  await bulkWriteInCommands(collection, bulk, (_index, error) => {
    throw error;
  });
  for (const w of writes) if ('deleteId' in w) await collection.deleteOne({ _id: w.deleteId });
}
