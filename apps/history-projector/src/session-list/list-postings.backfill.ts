import { Injectable } from '@nestjs/common';
import { Leadership } from '@cobrowse/messaging';
import { LeaderBackfill } from '@cobrowse/platform';
import { POSTINGS_SINCE } from './list-directory';
import { ListPagesRepository } from './list-pages.repository';
import type { ListRow } from './list-row';
import { SessionListWriter } from './session-list.writer';

/** Rows posted per write. */
const CHUNK = 1_000;

/**
 * Sessions listed before postings existed get posted, once per tenant: the first leader to
 * find the read model not marked `postings-backfilled` reads every tenant's directory (the one
 * full read of the list's collection), walks the pages of each tenant listed before postings,
 * posts every row's terms and marks the tenant's list, from when on its filters may read
 * postings (until then they walk the pages). A posting already there is not written twice.
 */
@Injectable()
export class ListPostingsBackfill extends LeaderBackfill {
  constructor(
    private readonly pages: ListPagesRepository,
    private readonly writer: SessionListWriter,
    leadership: Leadership,
  ) {
    super('sessions list postings', 'postings-backfilled', pages, leadership);
  }

  protected async fill(leads: () => boolean): Promise<{ tenants: number } | null> {
    const tenants = await this.pages.tenantsBefore(POSTINGS_SINCE);
    for (const tenant of tenants) {
      const posted = await this.backfill(tenant, leads);
      if (posted === null) return null;
      this.logger.log({ msg: 'sessions list postings backfilled', tenant, sessions: posted });
    }
    return { tenants: tenants.length };
  }

  /** The sessions posted, or null when leadership ended before the tenant was done. */
  private async backfill(tenant: string, leads: () => boolean): Promise<number | null> {
    const directory = await this.pages.directory(tenant);
    let posted = 0;
    let chunk: ListRow[] = [];
    const flush = async () => {
      await this.writer.post(
        tenant,
        chunk.map((row) => ({ row, was: null })),
      );
      posted += chunk.length;
      chunk = [];
    };
    if (directory)
      for await (const row of this.pages.rows(tenant, directory)) {
        if (!leads()) return null;
        chunk.push(row);
        if (chunk.length >= CHUNK) await flush();
      }
    await flush();
    if (!leads()) return null;
    await this.writer.markPosted(tenant);
    return posted;
  }
}
