import { Binary } from 'mongodb';
import type { MongoService } from '@cobrowse/persistence';
import { memoryCollection } from '@cobrowse/testing';
import { Presence, presenceShardId, shardEntries } from './presence';
import { PresenceShardsRepository } from './presence-shards.repository';

function repository() {
  const { collection, documents } = memoryCollection();
  const mongo = { db: { collection: () => collection } } as unknown as MongoService;
  return { shards: new PresenceShardsRepository(mongo), documents };
}

describe('PresenceShardsRepository', () => {
  it('stores a shard’s rows as one packed value and reads them back', async () => {
    const { shards, documents } = repository();
    const presence = new Presence();
    presence.see('acme', 'd1', 'tab', 2_000, 1_990);
    presence.see('acme', 'd1', 'tab-2', 2_100, null);
    const [shard] = presence.takeDirtyShards(3_000);
    await shards.save(shard);

    const stored = documents.get(shard._id)!;
    expect(Object.keys(stored).sort()).toEqual(['_id', 'entries_z', 'flushed_at', 'tenant']);
    expect(await shards.findShard(shard._id)).toEqual(shard);
  });

  it('reads rows stored as documents before, and none from a value it cannot unpack', async () => {
    const { shards, documents } = repository();
    const id = presenceShardId('acme', 'd1');
    const row = { device_id: 'd1', connection_id: 'tab', seen_at: 2_000, focus_at: null };
    documents.set(id, { _id: id, tenant: 'acme', flushed_at: 3_000, entries: [row] });
    expect(shardEntries(await shards.findShard(id))).toEqual([row]);

    documents.set(id, { _id: id, tenant: 'acme', flushed_at: 3_000, entries_z: new Binary(Buffer.of(9, 9)) });
    expect(shardEntries(await shards.findShard(id))).toEqual([]);
  });
});
