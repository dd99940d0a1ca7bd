import type { Binary } from 'mongodb';
import { packJson, unpackJson } from '@cobrowse/persistence';
import type { DeviceState } from './device-state';

/** The fields a device document keeps beside its packed state: what a query or a compare-and-set reads. */
const PLAIN_FIELDS = [
  'tenant',
  'id',
  'added_at',
  'last_seen_at',
  'current_session_id',
  'applied_seq',
] as const;

/**
 * A device in the tracker's `devices` collection: its whole state packed in `state_z`
 * (libs/persistence packed-json.ts), beside copies of the fields the retention sweep (and its
 * MongoDB index), the devices list backfill and the write's compare-and-set (`applied_seq`)
 * read. A device keeps up to 150 connections of a dozen fields each, and FerretDB v1 converts
 * every nested field of a document one by one on each read and write. Documents of earlier
 * versions are the state itself, and are read as they are.
 */
export type DeviceDocument = Pick<DeviceState, '_id' | (typeof PLAIN_FIELDS)[number]> & { state_z: Binary };

export function toDeviceDocument(device: DeviceState): DeviceDocument {
  const document: Record<string, unknown> = { _id: device._id };
  // A field left out, not set to undefined: the driver would store null, and the compare-and-set
  // on MongoDB asks for a device never written with a version by `applied_seq: {$exists: false}`.
  for (const field of PLAIN_FIELDS) if (device[field] !== undefined) document[field] = device[field];
  document.state_z = packJson(device);
  return document as DeviceDocument;
}

export function toDeviceState(document: DeviceDocument | DeviceState): DeviceState {
  return 'state_z' in document ? unpackJson<DeviceState>(document.state_z) : document;
}
