import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@cobrowse/messaging';
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
    return this.tenants.run(tenant, () => this.pages.edit(tenant, change.put ?? [], change.remove ?? []));
  }
}
