import { Injectable } from '@nestjs/common';
import type { Filter } from 'mongodb';
import {
  collectPage,
  jsonBytes,
  QueryErrorCode,
  QueryException,
  type DeviceQuery,
  type DeviceResource,
  type ListDevicesRequest,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { isOnline, toDeviceResource, type DeviceState } from './device-state';
import { RetentionPolicyClient } from '../retention/retention-policy.client';
import { FOLD_EVERY_MS } from '../presence/presence-keeper';
import { PresenceReader } from '../presence/presence-reader';
import { DevicesRepository } from './devices.repository';

/** Devices are read from the database and given their presence this many at a time. */
const OVERLAY_CHUNK = 100;

/** Custom data is compared as a string: `3` matches 3 and "3", `true` matches true. */
function candidates(value: string): Array<string | number | boolean> {
  const out: Array<string | number | boolean> = [value];
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && String(n) === value) out.push(n);
  if (value === 'true' || value === 'false') out.push(value === 'true');
  return out;
}

function encodeCursor(device: DeviceState): string {
  return Buffer.from(JSON.stringify([device.added_at, device.id])).toString('base64url');
}

function decodeCursor(cursor: string): { added_at: number; id: string } {
  try {
    const [addedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(addedAt) && typeof id === 'string' && id.length <= 256)
      return { added_at: addedAt as number, id };
  } catch {
    /* fall through */
  }
  throw new QueryException(QueryErrorCode.InvalidCursor, 'cursor is not one this service gave out');
}

@Injectable()
export class DeviceQueriesService {
  constructor(
    private readonly devices: DevicesRepository,
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

  /** Newest added first, with the same stable cursor contract (and page size bound) as sessions. */
  async list(request: ListDevicesRequest): Promise<{ data: DeviceResource[]; next_cursor: string | null }> {
    const now = Date.now();
    const timeout = this.config.SESSION_INACTIVITY_TIMEOUT_MS;
    const and: Filter<DeviceState>[] = [{ tenant: request.tenant }, ...this.filters(request.query)];
    if (request.cursor) {
      const c = decodeCursor(request.cursor);
      and.push({ $or: [{ added_at: { $lt: c.added_at } }, { added_at: c.added_at, id: { $lt: c.id } }] });
    }
    const { online, seen_after: seenAfter, seen_before: seenBefore } = request.query;
    const exact =
      online === undefined && seenAfter === undefined && seenBefore === undefined
        ? undefined
        : (d: DeviceState) =>
            (online === undefined || isOnline(d, now, timeout) === online) &&
            (seenAfter === undefined || d.last_seen_at >= seenAfter) &&
            (seenBefore === undefined || d.last_seen_at < seenBefore);
    const { device_ttl_seconds: ttl } = await this.retention.forTenant(request.tenant);
    const stored = this.devices.list({ $and: and }, exact ? undefined : request.limit + 1);
    const { page, more } = await collectPage(
      this.overlaid(request.tenant, stored, request.limit + 1, exact),
      {
        limit: request.limit,
        sizeOf: (d) => jsonBytes(toDeviceResource(d, now, timeout, ttl)),
      },
    );
    return {
      data: page.map((d) => toDeviceResource(d, now, timeout, ttl)),
      next_cursor: more ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /** The devices with their presence, in chunks (one presence read each), those `keep` refuses left out. */
  private async *overlaid(
    tenant: string,
    stored: AsyncIterable<DeviceState>,
    wanted: number,
    keep?: (d: DeviceState) => boolean,
  ): AsyncIterable<DeviceState> {
    const size = Math.min(OVERLAY_CHUNK, wanted);
    let chunk: DeviceState[] = [];
    const release = async () => {
      const ready = await this.presence.overlay(tenant, chunk);
      chunk = [];
      return keep ? ready.filter(keep) : ready;
    };
    for await (const device of stored) {
      chunk.push(device);
      if (chunk.length >= size) yield* await release();
    }
    if (chunk.length) yield* await release();
  }

  /**
   * What the database can filter on. A document's `last_seen_at` lags its presence by at most
   * about FOLD_EVERY_MS (docs/presence.md), so `seen_after` asks it for that much earlier, and
   * the exact bounds are checked once presence is laid over.
   */
  private filters(query: DeviceQuery): Filter<DeviceState>[] {
    const out: Filter<DeviceState>[] = [];
    for (const [key, value] of Object.entries(query.custom_data ?? {})) {
      out.push({ [`custom_data.${key}`]: { $in: candidates(value) } } as Filter<DeviceState>);
    }
    const seen: Record<string, number> = {};
    if (query.seen_after !== undefined) seen.$gte = query.seen_after - 2 * FOLD_EVERY_MS;
    if (query.seen_before !== undefined) seen.$lt = query.seen_before;
    if (Object.keys(seen).length) out.push({ last_seen_at: seen });
    return out;
  }
}
