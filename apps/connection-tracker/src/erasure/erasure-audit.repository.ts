import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import type { ErasureRecord } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';

type ErasureDocument = ErasureRecord & { _id: string };

/** Audit records of erasures: when, by which key (its fingerprint), which ids. Never expire. */
@Injectable()
export class ErasureAuditRepository implements OnModuleInit {
  private collection!: Collection<ErasureDocument>;

  constructor(private readonly mongo: MongoService) {}

  onModuleInit(): void {
    this.collection = this.mongo.db.collection<ErasureDocument>('erasure_audit');
  }

  async insert(record: ErasureRecord): Promise<void> {
    await this.collection.insertOne({ _id: record.erasure_id, ...record });
  }

  async find(erasureId: string): Promise<ErasureRecord | null> {
    return this.collection.findOne({ _id: erasureId }, { projection: { _id: 0 } });
  }
}
