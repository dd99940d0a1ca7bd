import { Injectable, OnModuleInit } from '@nestjs/common';
import { MongoServerError, type Collection } from 'mongodb';
import type { SessionSnapshot } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';
import {
  SESSIONS_COLLECTION,
  sessionDocumentId,
  toDocument,
  toSnapshot,
  type SessionDocument,
} from './session-document';

const DUPLICATE_KEY = 11000;

/** The sessions read model. Writes are guarded by version so redelivery never applies twice. */
@Injectable()
export class SessionsRepository implements OnModuleInit {
  private collection!: Collection<SessionDocument>;

  constructor(private readonly mongo: MongoService) {}

  onModuleInit(): void {
    this.collection = this.mongo.db.collection<SessionDocument>(SESSIONS_COLLECTION);
  }

  async findById(tenant: string, sessionId: string): Promise<SessionSnapshot | null> {
    const document = await this.collection.findOne({ _id: sessionDocumentId(tenant, sessionId) });
    return document ? toSnapshot(document) : null;
  }

  /** Inserts a new session; false when it is already there. */
  async insert(snapshot: SessionSnapshot): Promise<boolean> {
    try {
      await this.collection.insertOne(toDocument(snapshot));
      return true;
    } catch (e) {
      if (e instanceof MongoServerError && e.code === DUPLICATE_KEY) return false;
      throw e;
    }
  }

  /** Replaces the session only if it is still at `expectedVersion`; false otherwise. */
  async replaceIfVersion(snapshot: SessionSnapshot, expectedVersion: number): Promise<boolean> {
    const result = await this.collection.replaceOne(
      { _id: sessionDocumentId(snapshot.tenant, snapshot.id), version: expectedVersion },
      toDocument(snapshot),
    );
    return result.matchedCount === 1;
  }
}
