import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import { DEFAULT_RETENTION, type RetentionPolicy } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';
import { SharedLookups } from '@cobrowse/platform';

export { DEFAULT_RETENTION, type RetentionPolicy };

type RetentionDocument = RetentionPolicy & { _id: string; updated_at: number };

/** Other replicas pick a change up within this; the one that saved it at once. */
const CACHE_MS = 2_000;

/** Per-tenant retention; until a tenant sets one, the SPEC defaults apply. */
@Injectable()
export class RetentionPolicyRepository implements OnModuleInit {
  /** A projector announcing hundreds of sessions at once reads a tenant's policy once. */
  private readonly cache = new SharedLookups<RetentionPolicy>(CACHE_MS);

  constructor(private readonly mongo: MongoService) {}

  /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
  private get collection(): Collection<RetentionDocument> {
    return this.mongo.db.collection<RetentionDocument>('retention_policies');
  }

  onModuleInit(): void {}

  forTenant(tenant: string): Promise<RetentionPolicy> {
    return this.cache.get(tenant, () => this.read(tenant));
  }

  private async read(tenant: string): Promise<RetentionPolicy> {
    const document = await this.collection.findOne({ _id: tenant });
    return document
      ? {
          ended_session_ttl_seconds: document.ended_session_ttl_seconds,
          device_ttl_seconds: document.device_ttl_seconds,
        }
      : DEFAULT_RETENTION;
  }

  async save(tenant: string, policy: RetentionPolicy): Promise<void> {
    await this.collection.replaceOne(
      { _id: tenant },
      { ...policy, updated_at: Date.now() },
      { upsert: true },
    );
    this.cache.set(tenant, policy);
  }
}
