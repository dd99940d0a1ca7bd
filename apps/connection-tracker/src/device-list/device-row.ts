import type { IndexKey, IndexShape } from '@cobrowse/persistence';
import type { DeviceState } from '../devices/device-state';

/**
 * A device as the devices list needs it to choose: its list position and its custom data
 * (what `filter_<key>` reads). Presence and `last_seen_at` are not in it: they change with
 * every heartbeat, and a row that changed with them would rewrite its page on every beat.
 */
export interface DeviceRow {
  id: string;
  added_at: number;
  custom_data: Record<string, unknown>;
}

/** How many devices the index holds, per page (stored as `t`). */
export interface DeviceCounts {
  devices: number;
}

export function rowOf(device: DeviceState): DeviceRow {
  return { id: device.id, added_at: device.added_at, custom_data: device.custom_data };
}

/** Devices are listed newest added first: by (added_at, id). */
export const keyOfDevice = (device: Pick<DeviceState, 'added_at' | 'id'>): IndexKey => [
  device.added_at,
  device.id,
];

export const deviceListShape: IndexShape<DeviceRow, DeviceCounts> = {
  keyOf: keyOfDevice,
  countsOf: (rows) => ({ devices: rows.length }),
  sameCounts: (a, b) => a.devices === b.devices,
  storeCounts: (c) => ({ t: c.devices }),
  loadCounts: (s) => ({ devices: s.t }),
  // A returning device's new session usually changes its custom data: its page is rewritten.
  maxRows: 200,
};
