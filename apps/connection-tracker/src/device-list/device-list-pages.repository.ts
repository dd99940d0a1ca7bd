import { Injectable } from '@nestjs/common';
import { IndexPagesStore, MongoService } from '@cobrowse/persistence';
import { deviceListShape, type DeviceCounts, type DeviceRow } from './device-row';

/**
 * The devices list's index pages and directory (`devices_list`, `<tenant>:directory` and
 * `<tenant>:<n>`, all addressed by `_id`; docs/read-models.md). Only the tracker's leader writes.
 */
@Injectable()
export class DeviceListPagesRepository extends IndexPagesStore<DeviceRow, DeviceCounts> {
  constructor(mongo: MongoService) {
    super(deviceListShape, () => mongo.db.collection('devices_list'));
  }
}
