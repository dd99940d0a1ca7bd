import { Injectable } from '@nestjs/common';
import type { Binary, Collection } from 'mongodb';
import { MongoService, packJson, unpackJson } from '@cobrowse/persistence';
import type { PresenceShard } from './presence';

/** The document recording when the leader last stored presence (no tenant's shard id has no `/`). */
const STORED_AT_ID = 'stored-at';

/**
 * A shard as stored: its rows packed into one value (`entries_z`). FerretDB v1 spent ~14 ms of
 * CPU on a shard of ~150 rows stored as documents, 0.2 cores for 10k devices beating; one
 * binary value costs it next to nothing. `entries` is the layout stored before.
 */
interface ShardDocument {
  _id: string;
  tenant: string;
  flushed_at: number;
  entries_z?: Binary;
  entries?: unknown;
}

type PresenceDocument = ShardDocument | { _id: typeof STORED_AT_ID; stored_at: number };

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

  async save({ entries, ...shard }: PresenceShard): Promise<void> {
    const stored: ShardDocument = { ...shard, entries_z: packJson(entries) };
    await this.collection.replaceOne({ _id: shard._id }, stored, { upsert: true });
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
    const document = await this.collection.findOne({ _id: id });
    return document && document._id !== STORED_AT_ID ? toShard(document as ShardDocument) : null;
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
      else shards.push(toShard(document as ShardDocument));
    }
    return { shards, storedAt };
  }
}

/** Rows that cannot be unpacked count as none (shardEntries skips any it cannot read): the grace covers them. */
function toShard({ _id, tenant, flushed_at, entries_z, entries }: ShardDocument): PresenceShard {
  let rows: unknown = entries;
  try {
    if (entries_z) rows = unpackJson<unknown>(entries_z);
  } catch {
    rows = [];
  }
  return { _id, tenant, flushed_at, entries: (Array.isArray(rows) ? rows : []) as PresenceShard['entries'] };
}
