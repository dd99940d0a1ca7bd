import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Leadership } from '@cobrowse/messaging';
import { POSTINGS_SINCE } from './list-directory';
import { ListPagesRepository } from './list-pages.repository';
import type { ListRow } from './list-row';
import { SessionListWriter } from './session-list.writer';

/** Rows posted per write. */
const CHUNK = 1_000;

/** Set once every tenant of the read model's generation is posted: later leaders look no further. */
const BACKFILLED = 'postings-backfilled';

/**
 * Sessions listed before postings existed get posted, once per tenant: the first leader to
 * find the read model not marked backfilled reads every tenant's directory (the one full
 * read of the list's collection), walks each tenant listed before postings' index pages (in the background while it consumes), posts every row's terms
 * and marks the tenant's list as posted, from when on its filters may read postings. Until
 * then they walk the pages, as before. A leader that stops half-way leaves the tenant unmarked
 * for the next one, which posts again (a posting already there is not written twice).
 */
@Injectable()
export class ListPostingsBackfill implements OnApplicationBootstrap {
  private readonly logger = new Logger(ListPostingsBackfill.name);

  constructor(
    private readonly pages: ListPagesRepository,
    private readonly writer: SessionListWriter,
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
      for (const tenant of await this.pages.tenantsBefore(POSTINGS_SINCE)) {
        const posted = await this.backfill(tenant, term);
        if (posted === null) return;
        this.logger.log({ msg: 'sessions list postings backfilled', tenant, sessions: posted });
      }
      if (this.leadership.leadsIn(term)) await this.pages.setMark(BACKFILLED);
    } catch (e) {
      this.logger.warn({
        msg: 'sessions list postings backfill stopped; the next leader does it',
        error: (e as Error).message,
      });
    }
  }

  /** The sessions posted, or null when leadership was lost before the tenant was done. */
  private async backfill(tenant: string, term: number): Promise<number | null> {
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
        if (!this.leadership.leadsIn(term)) return null;
        chunk.push(row);
        if (chunk.length >= CHUNK) await flush();
      }
    await flush();
    if (!this.leadership.leadsIn(term)) return null;
    await this.writer.markPosted(tenant);
    return posted;
  }
}
