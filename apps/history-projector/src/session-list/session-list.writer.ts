import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@cobrowse/messaging';
import { ListEdit } from './list-edit';
import type { ListKey, ListRow } from './list-row';
import { ListPagesRepository } from './list-pages.repository';

export interface ListChange {
  /** Rows as the sessions now are. */
  put?: ListRow[];
  /** Sessions gone (retention, erasure). */
  remove?: ListKey[];
}

/**
 * Keeps a tenant's index pages and counters in step with its sessions. Changes of one
 * tenant run one at a time (the projection and the retention sweep share the pages).
 */
@Injectable()
export class SessionListWriter {
  private readonly tenants = new KeyedMutex();

  constructor(private readonly pages: ListPagesRepository) {}

  apply(tenant: string, change: ListChange): Promise<void> {
    return this.tenants.run(tenant, async () => {
      const edit = new ListEdit(await this.pages.directory(tenant), (n) => this.pages.page(tenant, n));
      for (const row of change.put ?? []) await edit.put(row);
      for (const key of change.remove ?? []) await edit.remove(key);
      await this.pages.write(tenant, edit.writes());
    });
  }
}
