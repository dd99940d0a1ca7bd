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
    super(
      deviceListShape,
      () => mongo.db.collection('devices_list'),
      // The tracker's leader is the one writer (DeviceListWriter forgets at each new term).
      // 20,000 rows of ~150 bytes: the newest pages of the busiest tenants.
      { rememberWrites: 20_000 },
    );
  }
}
