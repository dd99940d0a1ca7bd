import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { type AnyBulkWriteOperation, type Collection, type IndexDescription } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { bulkWriteInCommands, MongoService } from '@cobrowse/persistence';
import { LISTED_FIELDS, type ListedSession } from '../session-list/list-row';
import { ReadModelLocator } from './read-model-locator';
import {
  chunkIdsOf,
  INLINE_PAGES,
  pagesStored,
  readModelCollections,
  sessionDocumentId,
  toDocuments,
  toSnapshot,
  type PageChunkDocument,
  type SessionDocument,
  type StoredSessionDocument,
} from './session-document';
import { WrittenSessions, type StoredSession } from './written-sessions';

/**
 * Indexes for the retention sweep on MongoDB. Lists, counts and exports read the index pages
 * (session-list), never a filter on this collection.
 */
export const SESSION_INDEXES: IndexDescription[] = [
  { key: { state: 1, ended_recorded_at: 1 }, name: 'state_ended_recorded' },
];

export type { StoredSession } from './written-sessions';

/** A session to write over what was read (`stored` null: a new session). */
export interface SessionWrite {
  snapshot: SessionSnapshot;
  stored: StoredSession | null;
}

/** The sessions read model: session documents and their page chunks, written by `_id` only. */
@Injectable()
export class SessionsRepository implements OnModuleInit {
  private readonly logger = new Logger(SessionsRepository.name);
  private readonly written = new WrittenSessions();

  constructor(
    private readonly mongo: MongoService,
    private readonly locator: ReadModelLocator,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureIndexes();
  }

  /** The live collections, or the ones a rebuild is filling. */
  private get sessions(): Collection<SessionDocument> {
    return this.mongo.db.collection<SessionDocument>(this.locator.sessionsCollection());
  }

  private get chunks(): Collection<PageChunkDocument> {
    return this.mongo.db.collection<PageChunkDocument>(
      readModelCollections(this.locator.sessionsCollection()).pageChunks,
    );
  }

  async ensureIndexes(): Promise<void> {
    if (await this.mongo.isFerretDb()) {
      this.logger.log({ msg: 'FerretDB: secondary indexes skipped (it scans for every filter but _id)' });
    } else {
      await this.sessions.createIndexes(SESSION_INDEXES);
    }
  }

  async findById(tenant: string, sessionId: string): Promise<SessionSnapshot | null> {
    return (await this.read(sessionDocumentId(tenant, sessionId)))?.snapshot ?? null;
  }

  /**
   * What a session's list row is made of: what a filter checks. Its chunks are not read (a
   * document of an earlier version is read without its pages and metadata).
   */
  async findListed(tenant: string, sessionId: string): Promise<ListedSession | null> {
    const projection = Object.fromEntries(
      [...LISTED_FIELDS, 'snapshot_z' satisfies keyof SessionDocument].map((field) => [field, 1]),
    );
    const document = await this.sessions.findOne<StoredSessionDocument>(
      { _id: sessionDocumentId(tenant, sessionId) },
      { projection },
    );
    return document ? toSnapshot({ pages: [], ...document }) : null;
  }

  /**
   * The session with what of it is stored: what the writer folds events into. A session this
   * replica wrote since it began leading is not read again (WrittenSessions).
   */
  async findStored(tenant: string, sessionId: string): Promise<StoredSession | null> {
    const _id = sessionDocumentId(tenant, sessionId);
    return this.written.get(this.writtenKey(_id)) ?? this.read(_id);
  }

  /** The session as this replica last wrote it, if it has it at hand (no read). */
  findWritten(tenant: string, sessionId: string): StoredSession | undefined {
    return this.written.get(this.writtenKey(sessionDocumentId(tenant, sessionId)));
  }

  /** Forgets what this replica wrote: another writer may have been at work (call whenever leadership changes). */
  forgetWritten(): void {
    this.written.clear();
  }

  /** Forgets these sessions as written here: they were deleted elsewhere (an erasure another replica received). */
  forgetSessions(tenant: string, sessionIds: readonly string[]): void {
    for (const id of sessionIds) this.written.forget(this.writtenKey(sessionDocumentId(tenant, id)));
  }

  /** Written sessions are known per collection: a rebuild's switch moves the writer to new ones. */
  private writtenKey(_id: string): string {
    return `${this.locator.sessionsCollection()}\u0000${_id}`;
  }

  private async read(_id: string): Promise<StoredSession | null> {
    const document = await this.sessions.findOne<StoredSessionDocument>({ _id });
    if (!document) return null;
    const chunks =
      (document.page_count ?? 0) > INLINE_PAGES
        ? await Promise.all(
            chunkIdsOf(document._id, document.page_count!).map((_id) => this.chunks.findOne({ _id })),
          )
        : [];
    return {
      snapshot: toSnapshot(
        document,
        chunks.filter((c): c is PageChunkDocument => c !== null),
      ),
      version: document.version,
      pagesStored: pagesStored(document),
    };
  }

  /**
   * Writes sessions, each over the version it was read at: new page chunks first (one bulk
   * write), then the session documents (one bulk write), so a session's version never
   * claims pages that are not stored. Resolves with the sessions that were not written (a
   * write of a late former leader got there first, on MongoDB; refused documents), each with
   * its reason. On MongoDB the version is part of the filter (an atomic compare-and-set);
   * FerretDB v1 evaluates any filter but a lone `_id` by scanning the collection, so there the
   * single writer (the projection lease, fenced by term) does the guarding.
   */
  async write(writes: SessionWrite[]): Promise<Map<string, unknown>> {
    try {
      return await this.writeAll(writes);
    } catch (e) {
      // Some may be written, some not: read them all again.
      this.forgetSessionsOf(writes);
      throw e;
    }
  }

  private async writeAll(writes: SessionWrite[]): Promise<Map<string, unknown>> {
    const failed = new Map<string, unknown>();
    if (writes.length === 0) return failed;
    const ferret = await this.mongo.isFerretDb();
    const documents = writes.map((w) => toDocuments(w.snapshot, w.stored?.pagesStored ?? 0));
    const chunkOps: AnyBulkWriteOperation<PageChunkDocument>[] = documents.flatMap((d) =>
      d.chunks.map((chunk) => ({
        replaceOne: { filter: { _id: chunk._id }, replacement: chunk, upsert: true },
      })),
    );
    const owner = documents.flatMap((d) => d.chunks.map(() => d.session._id));
    await bulkWriteInCommands(this.chunks, chunkOps, (index, error) => failed.set(owner[index], error));

    // New sessions are inserts: a bulk write sends consecutive inserts as one command, which
    // FerretDB stores in one transaction (each update is a transaction of its own).
    const sessionOps: AnyBulkWriteOperation<SessionDocument>[] = [];
    const written: string[] = [];
    const ordered = writes
      .map((w, i) => ({ w, session: documents[i].session }))
      .sort((a, b) => Number(!!a.w.stored) - Number(!!b.w.stored));
    for (const { w, session } of ordered) {
      if (failed.has(session._id)) continue;
      if (!w.stored) sessionOps.push({ insertOne: { document: session } });
      else {
        const filter = ferret ? { _id: session._id } : { _id: session._id, version: w.stored.version };
        sessionOps.push({ replaceOne: { filter, replacement: session } });
      }
      written.push(session._id);
    }
    const result = await bulkWriteInCommands(this.sessions, sessionOps, (index, error) =>
      failed.set(written[index], error),
    );
    const refused = written.filter((id) => failed.has(id)).length;
    if (result.matched + result.inserted < written.length - refused) await this.findUnwritten(writes, failed);
    for (const { snapshot } of writes) {
      const _id = sessionDocumentId(snapshot.tenant, snapshot.id);
      if (failed.has(_id)) this.written.forget(this.writtenKey(_id));
      else
        this.written.set(this.writtenKey(_id), {
          snapshot,
          version: snapshot.version,
          pagesStored: snapshot.pages.length,
        });
    }
    return failed;
  }

  private forgetSessionsOf(writes: SessionWrite[]): void {
    for (const { snapshot } of writes)
      this.written.forget(this.writtenKey(sessionDocumentId(snapshot.tenant, snapshot.id)));
  }

  /** After a compare-and-set matched fewer sessions than written: which ones are not at their new version. */
  private async findUnwritten(writes: SessionWrite[], failed: Map<string, unknown>): Promise<void> {
    for (const w of writes) {
      const _id = sessionDocumentId(w.snapshot.tenant, w.snapshot.id);
      if (failed.has(_id)) continue;
      const stored = await this.sessions.findOne({ _id }, { projection: { version: 1 } });
      if (stored?.version !== w.snapshot.version)
        failed.set(_id, new Error('the session changed since it was read'));
    }
  }

  /** Every ended session's tenant, list position and recorded end: what a retention sweep looks at (one pass). */
  endedSessions(): AsyncIterable<{
    _id: string;
    tenant: string;
    id: string;
    created_at: number;
    ended_recorded_at: number;
  }> {
    return this.sessions.find(
      { state: 'ended' },
      { projection: { _id: 1, tenant: 1, id: 1, created_at: 1, ended_recorded_at: 1 }, batchSize: 5_000 },
    ) as unknown as AsyncIterable<{
      _id: string;
      tenant: string;
      id: string;
      created_at: number;
      ended_recorded_at: number;
    }>;
  }

  /**
   * Deletes sessions and their page chunks by id, one `_id` at a time (the only delete FerretDB
   * v1 does without a scan). Resolves with the removed sessions' list positions.
   */
  async delete(tenant: string, sessionIds: string[]): Promise<Array<{ id: string; created_at: number }>> {
    const removed: Array<{ id: string; created_at: number }> = [];
    for (const id of sessionIds) {
      const _id = sessionDocumentId(tenant, id);
      this.written.forget(this.writtenKey(_id));
      const document = await this.sessions.findOne({ _id }, { projection: { created_at: 1, page_count: 1 } });
      if (!document) continue;
      for (const chunk of chunkIdsOf(_id, document.page_count ?? 0))
        await this.chunks.deleteOne({ _id: chunk });
      if ((await this.sessions.deleteOne({ _id })).deletedCount)
        removed.push({ id, created_at: document.created_at });
    }
    return removed;
  }
}
