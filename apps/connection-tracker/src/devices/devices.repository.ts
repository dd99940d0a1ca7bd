import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection, Filter } from 'mongodb';
import { deleteByIds, InsertBatcher, MongoService } from '@cobrowse/persistence';
import { toDeviceDocument, toDeviceState, type DeviceDocument } from './device-document';
import { deviceDocumentId, type DeviceState } from './device-state';

export type DeviceIdentity = Pick<DeviceState, '_id' | 'tenant' | 'id' | 'added_at'>;
export type IdleDevice = Pick<DeviceState, '_id' | 'tenant' | 'id' | 'added_at' | 'last_seen_at'>;

/** The devices read model. Written only by the lease holder, one tenant's facts at a time. */
@Injectable()
export class DevicesRepository implements OnModuleInit {
  private readonly inserts = new InsertBatcher();

  constructor(private readonly mongo: MongoService) {}

  /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
  private get collection(): Collection<DeviceDocument> {
    return this.mongo.db.collection<DeviceDocument>('devices');
  }

  async onModuleInit(): Promise<void> {
    if (!(await this.mongo.isFerretDb())) {
      await this.collection.createIndexes([
        { key: { current_session_id: 1, last_seen_at: 1 }, name: 'idle_last_seen' },
      ]);
    }
  }

  async findById(tenant: string, deviceId: string): Promise<DeviceState | null> {
    const document = await this.collection.findOne<DeviceDocument | DeviceState>({
      _id: deviceDocumentId(tenant, deviceId),
    });
    return document ? toDeviceState(document) : null;
  }

  /** A device seen for the first time (batched with concurrent inserts); false when it exists after all. */
  insert(device: DeviceState): Promise<boolean> {
    return this.inserts.insert(this.collection, toDeviceDocument(device));
  }

  /**
   * Writes `next` over `previous`: false when the device is gone (erased, expired), and on
   * MongoDB also when it changed since (another writer applied a later fact), in one atomic
   * compare-and-set on the version (`applied_seq`) served by the `_id` index.
   *
   * FerretDB v1 evaluates any filter but a lone `_id` by reading the whole collection, so
   * there the write is by `_id` alone, over what is stored. Comparing the version on a read
   * first bought nothing (it doubled the tracker's database work): `previous` is what this
   * leader, the one writer, read or wrote itself, and a former leader's read could never see
   * its successor's writes (its fence closes 2 s before a successor can start), so the only
   * write a comparison could catch is a former leader's landing late, which this write then
   * overwrites with a fold that includes what it held (docs/operations.md).
   */
  async replaceIfUnchanged(previous: DeviceState, next: DeviceState): Promise<boolean> {
    const document = toDeviceDocument(next);
    const filter: Filter<DeviceDocument> = (await this.mongo.isFerretDb())
      ? { _id: previous._id }
      : {
          _id: previous._id,
          applied_seq: previous.applied_seq === undefined ? { $exists: false } : previous.applied_seq,
        };
    return (await this.collection.replaceOne(filter, document)).matchedCount === 1;
  }

  /** Every device, in no order: what a backfill of the devices list reads, once. */
  async *everyDevice(): AsyncIterable<DeviceState> {
    for await (const document of this.collection.find<DeviceDocument | DeviceState>({}, { batchSize: 1_000 }))
      yield toDeviceState(document);
  }

  /** Every device not in a session, with when it was last seen: what a retention sweep looks at. */
  idleDevices(): AsyncIterable<IdleDevice> {
    return this.collection.find(
      { current_session_id: null },
      { projection: { _id: 1, tenant: 1, id: 1, added_at: 1, last_seen_at: 1 }, batchSize: 5_000 },
    ) as unknown as AsyncIterable<IdleDevice>;
  }

  /** Which of these documents exist, with what the devices list keys them by (read one by one: by `_id`). */
  async identities(documentIds: string[]): Promise<DeviceIdentity[]> {
    const found: DeviceIdentity[] = [];
    for (const _id of documentIds) {
      const device = await this.collection.findOne(
        { _id },
        { projection: { _id: 1, tenant: 1, id: 1, added_at: 1 } },
      );
      if (device) found.push(device as DeviceIdentity);
    }
    return found;
  }

  async deleteDocuments(ids: string[]): Promise<number> {
    return deleteByIds(this.collection, ids, { oneByOne: await this.mongo.isFerretDb() });
  }

  async remove(tenant: string, deviceId: string): Promise<boolean> {
    return (await this.collection.deleteOne({ _id: deviceDocumentId(tenant, deviceId) })).deletedCount === 1;
  }
}
