import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { ErasureRecord } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';

type ErasureDocument = ErasureRecord & { _id: string };

/** Audit records of erasures: when, by which key (its fingerprint), which ids. Never expire. */
@Injectable()
export class ErasureAuditRepository implements OnModuleInit {
  constructor(private readonly mongo: MongoService) {}

  /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
  private get collection(): Collection<ErasureDocument> {
    return this.mongo.db.collection<ErasureDocument>('erasure_audit');
  }

  onModuleInit(): void {}

  async insert(record: ErasureRecord): Promise<void> {
    await this.collection.insertOne({ _id: record.erasure_id, ...record });
  }

  async find(erasureId: string): Promise<ErasureRecord | null> {
    return this.collection.findOne({ _id: erasureId }, { projection: { _id: 0 } });
  }
}
