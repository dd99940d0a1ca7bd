import { Injectable } from '@nestjs/common';
import { Leadership } from '@cobrowse/messaging';
import { LeaderBackfill } from '@cobrowse/platform';
import type { DeviceState } from '../devices/device-state';
import { DevicesRepository } from '../devices/devices.repository';
import { DeviceListPagesRepository } from './device-list-pages.repository';
import { DeviceListWriter } from './device-list.writer';

/** Rows added per edit. */
const CHUNK = 1_000;

/**
 * Devices stored before the devices list existed get their rows, once: the first leader to
 * find the list not marked `backfilled` reads every device (the one full read, in the
 * background while it consumes) and adds the rows that are missing — never over a row the
 * consumer wrote meanwhile, which is newer.
 */
@Injectable()
export class DeviceListBackfill extends LeaderBackfill {
  constructor(
    private readonly devices: DevicesRepository,
    pages: DeviceListPagesRepository,
    private readonly writer: DeviceListWriter,
    leadership: Leadership,
  ) {
    super('devices list', 'backfilled', pages, leadership);
  }

  protected async fill(leads: () => boolean): Promise<{ devices: number } | null> {
    const chunks = new Map<string, DeviceState[]>();
    let added = 0;
    const flush = async (tenant: string) => {
      const chunk = chunks.get(tenant) ?? [];
      chunks.delete(tenant);
      if (!chunk.length || !leads()) return;
      await this.writer.add(tenant, chunk);
      added += chunk.length;
    };
    for await (const device of this.devices.everyDevice()) {
      if (!leads()) return null;
      const chunk = chunks.get(device.tenant) ?? [];
      chunk.push(device);
      chunks.set(device.tenant, chunk);
      if (chunk.length >= CHUNK) await flush(device.tenant);
    }
    for (const tenant of [...chunks.keys()]) await flush(tenant);
    return { devices: added };
  }
}
