import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@cobrowse/messaging';
import type { IndexChange } from '@cobrowse/persistence';
import { POSTINGS_SINCE, sessionsIn } from './list-directory';
import { keyOfRow, type ListKey, type ListRow } from './list-row';
import { ListPagesRepository } from './list-pages.repository';
import { ListPostingsRepository, postingSpace, postingsClose, postingsIn } from './list-postings.repository';
import { termsOfRow, type ListTerm } from './list-terms';

/** Rows as the sessions now are (`put`), sessions gone (`remove`: retention, erasure). */
export type ListChange = Pick<IndexChange<ListRow>, 'put' | 'remove'>;

/** A session's row now, and before the events being applied (null: it is new). */
export interface RowChange {
  row: ListRow;
  was: ListRow | null;
}

/**
 * Keeps a tenant's index pages, counters and postings in step with its sessions. Changes of
 * one tenant run one at a time (the projection and the retention sweep share the pages).
 */
@Injectable()
export class SessionListWriter {
  private readonly tenants = new KeyedMutex();

  constructor(
    private readonly pages: ListPagesRepository,
    private readonly postings: ListPostingsRepository,
  ) {}

  /**
   * Adds the sessions to the postings of the terms they gained and takes them out of those
   * they lost (every term it has, for a change with no `was`). Called beside the sessions'
   * write, before their events are acked; a session delivered again is posted under every
   * term (ProjectBatchUseCase), so a stored session ends in the postings of its terms. A term
   * grown too common to be read has its postings closed (postingsClose): no longer written.
   */
  post(tenant: string, changes: readonly RowChange[]): Promise<void> {
    const edits = new Map<ListTerm, { put: ListKey[]; remove: ListKey[] }>();
    const edit = (term: ListTerm) => {
      let change = edits.get(term);
      if (!change) edits.set(term, (change = { put: [], remove: [] }));
      return change;
    };
    for (const { row, was } of changes) {
      const now = termsOfRow(row);
      const before = was ? termsOfRow(was) : new Set<ListTerm>();
      for (const term of now) if (!before.has(term)) edit(term).put.push(keyOfRow(row));
      for (const term of before) if (!now.has(term)) edit(term).remove.push(keyOfRow(was!));
    }
    if (edits.size === 0) return Promise.resolve();
    return this.tenants.run(tenant, async () => {
      const sessions = sessionsIn(await this.pages.directory(tenant));
      await this.postings.editMany(
        [...edits].map(([term, change]) => [postingSpace(tenant, term), change]),
        { closeWhen: (postings) => postingsClose(postingsIn(postings), sessions) },
      );
    });
  }

  /** Forgets the pages and postings kept at hand as written: another writer may have been at work. */
  forgetWritten(): void {
    this.pages.forgetWrites();
    this.postings.forgetWrites();
  }

  /** Records that every session of the tenant is in the postings of its terms (after a backfill). */
  markPosted(tenant: string): Promise<void> {
    return this.tenants.run(tenant, () => this.pages.setSince(tenant, POSTINGS_SINCE));
  }

  /** Sets rows and counters; a removed session leaves its postings first, while its row still says which. */
  apply(tenant: string, change: ListChange): Promise<void> {
    return this.tenants.run(tenant, async () => {
      if (change.remove?.length) await this.unpost(tenant, change.remove);
      await this.pages.edit(tenant, change);
    });
  }

  private async unpost(tenant: string, keys: readonly ListKey[]): Promise<void> {
    const removals = new Map<ListTerm, ListKey[]>();
    for (const row of await this.pages.rowsAt(tenant, keys))
      for (const term of termsOfRow(row)) {
        const remove = removals.get(term);
        if (remove) remove.push(keyOfRow(row));
        else removals.set(term, [keyOfRow(row)]);
      }
    await this.postings.editMany(
      [...removals].map(([term, remove]) => [postingSpace(tenant, term), { remove }]),
    );
  }
}
