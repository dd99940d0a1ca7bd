import { Injectable } from '@nestjs/common';
import {
  collectPage,
  jsonBytes,
  matchesCustomData,
  policyAllows,
  decodeListCursor,
  encodeListCursor,
  type DeviceResource,
  type ListDevicesRequest,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { isOnline, toDeviceResource, type DeviceState } from './device-state';
import { RetentionPolicyClient } from '@cobrowse/platform';
import { PresenceReader } from '../presence/presence-reader';
import { DeviceListReader } from '../device-list/device-list.reader';
import { keyOfDevice, type DeviceRow } from '../device-list/device-row';
import { DevicesRepository } from './devices.repository';

/** Devices are read by `_id` and given their presence this many at a time. */
const CHUNK = 100;

@Injectable()
export class DeviceQueriesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly listed: DeviceListReader,
    private readonly retention: RetentionPolicyClient,
    private readonly presence: PresenceReader,
    private readonly config: AppConfig,
  ) {}

  async get(tenant: string, deviceId: string): Promise<DeviceResource | null> {
    const stored = await this.devices.findById(tenant, deviceId);
    if (!stored) return null;
    const [device] = await this.presence.overlay(tenant, [stored]);
    const { device_ttl_seconds: ttl } = await this.retention.forTenant(tenant);
    return toDeviceResource(device, Date.now(), this.config.SESSION_INACTIVITY_TIMEOUT_MS, ttl);
  }

  /**
   * Newest added first, with the same stable cursor contract (and page size bound) as sessions:
   * rows from the devices list, each device then read by `_id` and given its presence. What the
   * rows cannot decide (presence, and custom data changed since the row was written) is checked
   * on the device.
   */
  async list(request: ListDevicesRequest): Promise<{ data: DeviceResource[]; next_cursor: string | null }> {
    const now = Date.now();
    const timeout = this.config.SESSION_INACTIVITY_TIMEOUT_MS;
    const {
      online,
      seen_after: seenAfter,
      seen_before: seenBefore,
      custom_data: customData,
      policy,
    } = request.query;
    const exact = (d: DeviceState) =>
      (customData === undefined || matchesCustomData(d.custom_data, customData)) &&
      policyAllows(policy, d.custom_data) &&
      (online === undefined || isOnline(d, now, timeout) === online) &&
      (seenAfter === undefined || d.last_seen_at >= seenAfter) &&
      (seenBefore === undefined || d.last_seen_at < seenBefore);
    const { device_ttl_seconds: ttl } = await this.retention.forTenant(request.tenant);
    const after = request.cursor ? decodeListCursor(request.cursor) : undefined;
    const rows = this.listed.rows(request.tenant, request.query, after);
    const { page, more } = await collectPage(this.devicesOf(request.tenant, rows, exact), {
      limit: request.limit,
      sizeOf: (d) => jsonBytes(toDeviceResource(d, now, timeout, ttl)),
    });
    return {
      data: page.map((d) => toDeviceResource(d, now, timeout, ttl)),
      next_cursor: more ? encodeListCursor(keyOfDevice(page[page.length - 1])) : null,
    };
  }

  /**
   * The devices of listed rows in list order, read CHUNK at a time by `_id` and given their
   * presence (one presence read per chunk), those `keep` refuses left out. A row whose device
   * is gone (an erasure or expiry between the two reads) is skipped.
   */
  private async *devicesOf(
    tenant: string,
    rows: AsyncIterable<DeviceRow>,
    keep: (d: DeviceState) => boolean,
  ): AsyncIterable<DeviceState> {
    let chunk: string[] = [];
    const release = async () => {
      const stored = await Promise.all(chunk.map((id) => this.devices.findById(tenant, id)));
      chunk = [];
      const ready = await this.presence.overlay(
        tenant,
        stored.filter((d): d is DeviceState => d !== null),
      );
      return ready.filter(keep);
    };
    for await (const row of rows) {
      chunk.push(row.id);
      if (chunk.length >= CHUNK) yield* await release();
    }
    if (chunk.length) yield* await release();
  }
}
