import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Collection, Filter, IndexDescription } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { deleteByIds, InsertBatcher, MongoService } from '@cobrowse/persistence';
import { ReadModelLocator } from './read-model-locator';
import {
  sessionDocumentId,
  toDocument,
  toSnapshot,
  type SessionDocument,
  type SessionRow,
} from './session-document';

/**
 * Indexes for the list, count and retention queries on MongoDB. FerretDB v1 answers every
 * filter but `_id` equality by scanning, so there they would only slow writes down.
 */
export const SESSION_INDEXES: IndexDescription[] = [
  { key: { tenant: 1, created_at: -1, id: -1 }, name: 'tenant_created' },
  { key: { tenant: 1, state: 1, created_at: -1, id: -1 }, name: 'tenant_state_created' },
  { key: { tenant: 1, device_id: 1, created_at: -1 }, name: 'tenant_device_created' },
  { key: { tenant: 1, 'agents.id': 1, created_at: -1 }, name: 'tenant_agent_created' },
  { key: { tenant: 1, token: 1 }, name: 'tenant_token' },
  { key: { tenant: 1, tags: 1, created_at: -1 }, name: 'tenant_tags_created' },
  { key: { state: 1, ended_recorded_at: 1 }, name: 'state_ended_recorded' },
];

/** The sessions read model. Writes are guarded by version so redelivery never applies twice. */
@Injectable()
export class SessionsRepository implements OnModuleInit {
  private readonly logger = new Logger(SessionsRepository.name);
  private readonly inserts = new InsertBatcher();

  constructor(
    private readonly mongo: MongoService,
    private readonly locator: ReadModelLocator,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureIndexes();
  }

  /** The live collection, or the one a rebuild is filling. */
  private get collection(): Collection<SessionDocument> {
    return this.mongo.db.collection<SessionDocument>(this.locator.sessionsCollection());
  }

  async ensureIndexes(): Promise<void> {
    if (await this.mongo.isFerretDb()) {
      this.logger.log({ msg: 'FerretDB: secondary indexes skipped (it scans for every filter but _id)' });
    } else {
      await this.collection.createIndexes(SESSION_INDEXES);
    }
  }

  /** Matching sessions in (created_at desc, id desc) order, read as they are consumed (at most `limit`). */
  async *list(
    filter: Filter<SessionDocument>,
    limit: number,
    residual?: (session: SessionSnapshot) => boolean,
  ): AsyncIterable<SessionSnapshot> {
    const cursor = this.collection.find(filter, {
      sort: { created_at: -1, id: -1 },
      projection: { _id: 0 },
      batchSize: Math.min(Math.max(limit, 10), 100),
      ...(residual ? {} : { limit }),
    });
    try {
      for await (const document of cursor) {
        const session = toSnapshot(document);
        if (!residual || residual(session)) yield session;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * Every match in storage order, without sorting (constant memory in the database as well),
   * as stored and without metadata: what an export row needs.
   */
  stream(filter: Filter<SessionDocument>): AsyncIterable<SessionRow> {
    return this.collection.find(filter, {
      projection: { _id: 0, metadata_json: 0, metadata: 0 },
      batchSize: 500,
    }) as unknown as AsyncIterable<SessionRow>;
  }

  /** The custom data keys and tags of every match, for an export's columns. */
  columnsOf(filter: Filter<SessionDocument>): AsyncIterable<Pick<SessionSnapshot, 'custom_data' | 'tags'>> {
    return this.collection.find(filter, {
      projection: { _id: 0, custom_data: 1, tags: 1 },
      batchSize: 500,
    }) as unknown as AsyncIterable<Pick<SessionSnapshot, 'custom_data' | 'tags'>>;
  }

  async count(
    filter: Filter<SessionDocument>,
    residual?: (session: Pick<SessionSnapshot, 'tags'>) => boolean,
  ): Promise<number> {
    if (!residual) return this.collection.countDocuments(filter);
    let count = 0;
    for await (const document of this.collection.find(filter, { projection: { tags: 1 } })) {
      if (residual(document)) count++;
    }
    return count;
  }

  async findById(tenant: string, sessionId: string): Promise<SessionSnapshot | null> {
    const document = await this.collection.findOne({ _id: sessionDocumentId(tenant, sessionId) });
    return document ? toSnapshot(document) : null;
  }

  /** Inserts a new session (batched with concurrent inserts); false when it is already there. */
  insert(snapshot: SessionSnapshot): Promise<boolean> {
    return this.inserts.insert(this.collection, toDocument(snapshot));
  }

  /**
   * Replaces the session only if it is still at `expectedVersion`; false otherwise. On
   * MongoDB the version is part of the filter (an atomic compare-and-set). FerretDB v1
   * evaluates any filter but a lone `_id` by scanning the collection, and its updates are not
   * atomic anyway, so there the single writer (the projection lease) and the per-session
   * queue do the guarding and the write is by `_id` alone.
   */
  async replaceIfVersion(snapshot: SessionSnapshot, expectedVersion: number): Promise<boolean> {
    const _id = sessionDocumentId(snapshot.tenant, snapshot.id);
    const filter = (await this.mongo.isFerretDb()) ? { _id } : { _id, version: expectedVersion };
    const result = await this.collection.replaceOne(filter, toDocument(snapshot));
    return result.matchedCount === 1;
  }

  /** Every ended session's tenant and recorded end: what a retention sweep looks at (one pass). */
  endedSessions(): AsyncIterable<{ _id: string; tenant: string; ended_recorded_at: number }> {
    return this.collection.find(
      { state: 'ended' },
      { projection: { _id: 1, tenant: 1, ended_recorded_at: 1 }, batchSize: 5_000 },
    ) as unknown as AsyncIterable<{ _id: string; tenant: string; ended_recorded_at: number }>;
  }

  /** Deletes sessions by document id (see deleteByIds for why FerretDB gets them one by one). */
  async deleteDocuments(ids: string[]): Promise<number> {
    return deleteByIds(this.collection, ids, { oneByOne: await this.mongo.isFerretDb() });
  }

  /** Ids of a tenant's sessions with this device, whatever their state. */
  async idsOfDevice(tenant: string, deviceId: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const document of this.collection.find(
      { tenant, device_id: deviceId },
      { projection: { id: 1 }, batchSize: 1000 },
    ))
      ids.push(document.id);
    return ids;
  }

  /** Deletes sessions by id, one `_id` at a time (the only delete FerretDB v1 does without a scan). */
  async deleteByIds(tenant: string, sessionIds: string[]): Promise<number> {
    let deleted = 0;
    for (const id of sessionIds)
      deleted += (await this.collection.deleteOne({ _id: sessionDocumentId(tenant, id) })).deletedCount;
    return deleted;
  }
}
