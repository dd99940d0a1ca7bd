import { Injectable } from '@nestjs/common';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { bulkWriteInCommands, MongoService } from '@cobrowse/persistence';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { readModelCollections } from '../sessions/session-document';
import type { ListWrites } from './list-edit';
import type { IndexPage, ListDirectory, PageEntry } from './list-directory';
import type { ListRow } from './list-row';

/**
 * A directory entry as stored: page number, where it starts (created_at, id) and its counts
 * by state. Short names: the directory is read whole by every count (no nested arrays:
 * FerretDB v1 cannot store them).
 */
interface StoredEntry {
  n: number;
  c: number;
  id: string;
  p: number;
  a: number;
  e: number;
}

interface DirectoryDocument {
  _id: string;
  tenant: string;
  next_n: number;
  pages: StoredEntry[];
}

interface PageDocument {
  _id: string;
  tenant: string;
  n: number;
  rows: ListRow[];
}

const directoryId = (tenant: string) => `${tenant}:directory`;
const pageId = (tenant: string, n: number) => `${tenant}:${n}`;

/**
 * The index pages of the sessions list and their directory, one collection beside the
 * sessions (`<sessions>_list`), every document addressed by `_id`: `<tenant>:directory` and
 * `<tenant>:<n>`. Only the projection's leader (or a rebuild, in its own collections) writes.
 */
@Injectable()
export class ListPagesRepository {
  constructor(
    private readonly mongo: MongoService,
    private readonly locator: ReadModelLocator,
  ) {}

  private collection<T extends { _id: string }>(): Collection<T> {
    return this.mongo.db.collection<T>(readModelCollections(this.locator.sessionsCollection()).list);
  }

  async directory(tenant: string): Promise<ListDirectory | null> {
    const document = await this.collection<DirectoryDocument>().findOne({ _id: directoryId(tenant) });
    if (!document) return null;
    return {
      next_n: document.next_n,
      pages: document.pages.map((e): PageEntry => ({
        n: e.n,
        lo: [e.c, e.id],
        counts: { pending: e.p, active: e.a, ended: e.e },
      })),
    };
  }

  async page(tenant: string, n: number): Promise<IndexPage | null> {
    const document = await this.collection<PageDocument>().findOne({ _id: pageId(tenant, n) });
    return document ? { n: document.n, rows: document.rows } : null;
  }

  /** Stores an edit in the order ListWrites gives (each step one write). */
  async write(tenant: string, writes: ListWrites): Promise<void> {
    await this.writePages(tenant, writes.newPages);
    if (writes.directory) {
      const document: DirectoryDocument = {
        _id: directoryId(tenant),
        tenant,
        next_n: writes.directory.next_n,
        pages: writes.directory.pages.map((p) => ({
          n: p.n,
          c: p.lo[0],
          id: p.lo[1],
          p: p.counts.pending,
          a: p.counts.active,
          e: p.counts.ended,
        })),
      };
      await this.collection<DirectoryDocument>().replaceOne({ _id: document._id }, document, {
        upsert: true,
      });
    }
    await this.writePages(tenant, writes.changedPages);
  }

  private async writePages(tenant: string, pages: IndexPage[]): Promise<void> {
    if (pages.length === 0) return;
    const operations: AnyBulkWriteOperation<PageDocument>[] = pages.map((p) => ({
      replaceOne: {
        filter: { _id: pageId(tenant, p.n) },
        replacement: { _id: pageId(tenant, p.n), tenant, n: p.n, rows: p.rows },
        upsert: true,
      },
    }));
    let failure: unknown;
    await bulkWriteInCommands(
      this.collection<PageDocument>(),
      operations,
      (_i, error) => (failure ??= error),
    );
    if (failure !== undefined) throw failure;
  }
}
