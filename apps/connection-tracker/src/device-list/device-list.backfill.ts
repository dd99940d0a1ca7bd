import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Leadership } from '@cobrowse/messaging';
import type { DeviceState } from '../devices/device-state';
import { DevicesRepository } from '../devices/devices.repository';
import { DeviceListPagesRepository } from './device-list-pages.repository';
import { DeviceListWriter } from './device-list.writer';

/** Rows added per edit. */
const CHUNK = 1_000;

/** Says every device stored before the list existed has its row. */
const BACKFILLED = 'backfilled';

/**
 * Devices stored before the devices list existed get their rows, once: the first leader to
 * find the list not marked backfilled reads every device (the one full read, in the
 * background while it consumes) and adds the rows that are missing — never over a row the
 * consumer wrote meanwhile, which is newer. A leader that stops half-way leaves it unmarked
 * for the next one.
 */
@Injectable()
export class DeviceListBackfill implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeviceListBackfill.name);

  constructor(
    private readonly devices: DevicesRepository,
    private readonly pages: DeviceListPagesRepository,
    private readonly writer: DeviceListWriter,
    private readonly leadership: Leadership,
  ) {}

  onApplicationBootstrap(): void {
    this.leadership.onChange((leading) => {
      if (leading) void this.run(this.leadership.term);
    });
  }

  async run(term: number): Promise<void> {
    try {
      if (await this.pages.hasMark(BACKFILLED)) return;
      const chunks = new Map<string, DeviceState[]>();
      let added = 0;
      const flush = async (tenant: string) => {
        const chunk = chunks.get(tenant) ?? [];
        chunks.delete(tenant);
        if (!chunk.length || !this.leadership.leadsIn(term)) return;
        await this.writer.add(tenant, chunk);
        added += chunk.length;
      };
      for await (const device of this.devices.everyDevice()) {
        if (!this.leadership.leadsIn(term)) return;
        const chunk = chunks.get(device.tenant) ?? [];
        chunk.push(device);
        chunks.set(device.tenant, chunk);
        if (chunk.length >= CHUNK) await flush(device.tenant);
      }
      for (const tenant of [...chunks.keys()]) await flush(tenant);
      if (!this.leadership.leadsIn(term)) return;
      await this.pages.setMark(BACKFILLED);
      this.logger.log({ msg: 'devices list backfilled', devices: added });
    } catch (e) {
      this.logger.warn({
        msg: 'devices list backfill stopped; the next leader does it',
        error: (e as Error).message,
      });
    }
  }
}
