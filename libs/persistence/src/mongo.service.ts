import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MongoClient, type Db } from 'mongodb';
import type { DependencyHealth } from '@cobrowse/contracts';

/** The service's MongoDB connection; each service touches only its own collections. */
@Injectable()
export class MongoService implements OnApplicationShutdown {
  private readonly logger = new Logger(MongoService.name);
  private client?: MongoClient;
  private database?: Db;
  private ferret?: boolean;

  async connect(url: string, dbName: string): Promise<void> {
    this.client = new MongoClient(url, {
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      retryWrites: true,
      retryReads: true,
      appName: 'cobrowse',
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.connect();
        break;
      } catch (e) {
        if (attempt >= 60) throw e;
        this.logger.warn({ msg: 'mongodb not reachable yet, retrying', attempt });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    this.database = this.client.db(dbName);
  }

  /** FerretDB answers buildInfo with a `ferretdbVersion`; some choices (indexes) differ for it. */
  async isFerretDb(): Promise<boolean> {
    if (this.ferret === undefined) {
      const info = await this.db.admin().command({ buildInfo: 1 });
      this.ferret = typeof info.ferretdbVersion === 'string' || typeof info.ferretdb === 'object';
    }
    return this.ferret;
  }

  get db(): Db {
    if (!this.database) throw new Error('MongoDB is not connected yet');
    return this.database;
  }

  async health(): Promise<DependencyHealth> {
    if (!this.database) return { status: 'down', error: 'not connected' };
    try {
      await this.database.command({ ping: 1 }, { timeoutMS: 2_000 });
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: (e as Error).message };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close().catch(() => undefined);
  }
}
