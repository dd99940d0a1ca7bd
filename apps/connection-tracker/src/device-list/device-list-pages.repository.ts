import { Injectable } from '@nestjs/common';
import { IndexPagesStore, MongoService } from '@cobrowse/persistence';
import { deviceListShape, type DeviceCounts, type DeviceRow } from './device-row';

/** Says every device stored before the list existed has its row (see DeviceListBackfill). */
const BACKFILLED_ID = 'backfilled';

/**
 * The devices list's index pages and directory (`devices_list`, `<tenant>:directory` and
 * `<tenant>:<n>`, all addressed by `_id`; docs/read-models.md). Only the tracker's leader writes.
 */
@Injectable()
export class DeviceListPagesRepository extends IndexPagesStore<DeviceRow, DeviceCounts> {
  constructor(private readonly mongo: MongoService) {
    super(deviceListShape, () => mongo.db.collection('devices_list'));
  }

  async backfilled(): Promise<boolean> {
    return (
      (await this.mongo.db.collection<{ _id: string }>('devices_list').findOne({ _id: BACKFILLED_ID })) !==
      null
    );
  }

  async markBackfilled(): Promise<void> {
    await this.mongo.db
      .collection<{ _id: string; at: number }>('devices_list')
      .replaceOne({ _id: BACKFILLED_ID }, { at: Date.now() }, { upsert: true });
  }
}
