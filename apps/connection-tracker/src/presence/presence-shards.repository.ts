import { Injectable } from '@nestjs/common';
import type { Collection } from 'mongodb';
import { MongoService } from '@cobrowse/persistence';
import type { PresenceShard } from './presence';

/** The document recording when the leader last stored presence (no tenant's shard id has no `/`). */
const STORED_AT_ID = 'stored-at';

type PresenceDocument = PresenceShard | { _id: typeof STORED_AT_ID; stored_at: number };

/**
 * Presence shards in `presence_shards`, every write by `_id` (the one filter FerretDB v1 looks
 * up without reading the collection). Read whole only by a leader taking over.
 */
@Injectable()
export class PresenceShardsRepository {
  constructor(private readonly mongo: MongoService) {}

  /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
  private get collection(): Collection<PresenceDocument> {
    return this.mongo.db.collection<PresenceDocument>('presence_shards');
  }

  async save(shard: PresenceShard): Promise<void> {
    await this.collection.replaceOne({ _id: shard._id }, shard, { upsert: true });
  }

  /** Written after the shards of one round: a leader taking over knows nothing it missed is older. */
  async markStored(at: number): Promise<void> {
    await this.collection.replaceOne(
      { _id: STORED_AT_ID },
      { _id: STORED_AT_ID, stored_at: at },
      { upsert: true },
    );
  }

  async findShard(id: string): Promise<PresenceShard | null> {
    return (await this.collection.findOne({ _id: id })) as PresenceShard | null;
  }

  async storedAt(): Promise<number | null> {
    const marker = (await this.collection.findOne({ _id: STORED_AT_ID })) as { stored_at?: number } | null;
    return typeof marker?.stored_at === 'number' ? marker.stored_at : null;
  }

  async all(): Promise<{ shards: PresenceShard[]; storedAt: number | null }> {
    const shards: PresenceShard[] = [];
    let storedAt: number | null = null;
    for await (const document of this.collection.find({}, { batchSize: 1000 })) {
      if (document._id === STORED_AT_ID) storedAt = (document as { stored_at: number }).stored_at;
      else if (Array.isArray((document as PresenceShard).entries)) shards.push(document as PresenceShard);
    }
    return { shards, storedAt };
  }
}
