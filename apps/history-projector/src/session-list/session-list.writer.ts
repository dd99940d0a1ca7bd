import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@cobrowse/messaging';
import type { IndexChange } from '@cobrowse/persistence';
import type { ListRow } from './list-row';
import { ListPagesRepository } from './list-pages.repository';

/** Rows as the sessions now are (`put`), sessions gone (`remove`: retention, erasure). */
export type ListChange = Pick<IndexChange<ListRow>, 'put' | 'remove'>;

/**
 * Keeps a tenant's index pages and counters in step with its sessions. Changes of one
 * tenant run one at a time (the projection and the retention sweep share the pages).
 */
@Injectable()
export class SessionListWriter {
  private readonly tenants = new KeyedMutex();

  constructor(private readonly pages: ListPagesRepository) {}

  apply(tenant: string, change: ListChange): Promise<void> {
    return this.tenants.run(tenant, () => this.pages.edit(tenant, change));
  }
}
