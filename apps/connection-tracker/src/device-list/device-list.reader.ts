import { Injectable } from '@nestjs/common';
import { matchesCustomData, policyAllows, type DeviceQuery } from '@cobrowse/contracts';
import type { IndexKey } from '@cobrowse/persistence';
import { DeviceListPagesRepository } from './device-list-pages.repository';
import type { DeviceRow } from './device-row';

/**
 * Reads the devices list from its index pages: newest added first, from a cursor, custom data
 * filtered on the rows. A page of an unfiltered list reads the directory and one or two index
 * pages whatever the tenant's size; presence filters (`online`, `seen_*`) are decided on the
 * devices themselves (DeviceQueriesService), so they walk the rows.
 */
@Injectable()
export class DeviceListReader {
  constructor(private readonly pages: DeviceListPagesRepository) {}

  async *rows(tenant: string, query: DeviceQuery, after?: IndexKey): AsyncIterable<DeviceRow> {
    const directory = await this.pages.directory(tenant);
    if (!directory) return;
    for await (const row of this.pages.rows(tenant, directory, { before: after }))
      if (
        (!query.custom_data || matchesCustomData(row.custom_data, query.custom_data)) &&
        policyAllows(query.policy, row.custom_data)
      )
        yield row;
  }
}
