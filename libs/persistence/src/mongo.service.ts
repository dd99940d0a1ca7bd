import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { DependencyHealth } from '@cobrowse/contracts';
import { databaseOperationDuration, probes } from '@cobrowse/observability';
import { BACKOFF, retry } from '@cobrowse/resilience';

const CLIENT_OPTIONS: MongoClientOptions = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  retryWrites: true,
  retryReads: true,
  appName: 'cobrowse',
};
/**
 * Commands a service has at the database at once. FerretDB v1 (SQLite) runs each update
 * statement while holding its query's SQL connection and takes a second one for the write,
 * from a pool of 100, and keeps an update command's queries open until the command ends
 * (bulk-write.ts): enough statements in flight from all clients and each waits forever for a
 * connection (found by the benchmark: the projector and the tracker stalled for good a minute
 * into a fill). Ten per process, with updates sent 25 to a command, keeps a deployment's
 * writers far below that; the services' writes are batched, so they need no more. A
 * `maxPoolSize` in MONGODB_URL wins.
 */
const MAX_POOL_SIZE = 10;

function clientOptions(url: string): MongoClientOptions {
  return /[?&]maxPoolSize=/i.test(url) ? CLIENT_OPTIONS : { ...CLIENT_OPTIONS, maxPoolSize: MAX_POOL_SIZE };
}
/** How long a starting service waits for the database before it gives up (and is restarted). */
const CONNECT_PATIENCE_MS = 60_000;
/** How often the watchdog makes a round trip to the database; `/health` waits this long for one. */
const PING_EVERY_MS = 2_000;
const PING_TIMEOUT_MS = 3_000;
/** A client that has known no usable server for this long is closed and replaced by a new one. */
const REPLACE_AFTER_MS = 30_000;

/**
 * The service's MongoDB connection; each service touches only its own collections.
 *
 * A watchdog keeps one ping in flight at a time. The time since the last answer is a progress
 * check for leadership (a leader whose database does not answer steps down); a slow answer
 * (a database busy with a long scan) still counts. A client whose driver has known no usable
 * server for 30 s (a pool left paused after an outage) is replaced; one that is merely slow
 * is not, so work in flight on it is never cut off.
 */
@Injectable()
export class MongoService implements OnApplicationShutdown {
  private readonly logger = new Logger(MongoService.name);
  private url = '';
  private dbName = '';
  private client?: MongoClient;
  private database?: Db;
  private ferret?: boolean;
  private watchdog?: NodeJS.Timeout;
  private lastAnswerAt = Date.now();
  private pingInFlight = false;
  private connected = true;
  private lastConnectedAt = Date.now();
  private replacedAt = Date.now();
  private replacing = false;

  /** Milliseconds since the database last answered a round trip, beyond the ping period. */
  readonly roundTrips = {
    name: 'database',
    stalledFor: (now: number): number => Math.max(0, now - this.lastAnswerAt - PING_EVERY_MS),
  };

  async connect(url: string, dbName: string): Promise<void> {
    this.url = url;
    this.dbName = dbName;
    const client = this.watched(new MongoClient(url, clientOptions(url)));
    this.client = client;
    const giveUpAt = Date.now() + CONNECT_PATIENCE_MS;
    await retry(() => client.connect(), {
      backoff: BACKOFF.startup,
      retryIf: () => Date.now() < giveUpAt,
      onRetry: (_e, attempt) => this.logger.warn({ msg: 'mongodb not reachable yet, retrying', attempt }),
    });
    this.database = this.client.db(dbName);
    this.lastAnswerAt = Date.now();
    this.watchdog = setInterval(() => void this.checkRoundTrip(), PING_EVERY_MS);
    probes.readiness('database', () => this.unusableBecause());
  }

  /** Why the database is not usable now (the watchdog's view, no extra round trip), or null. */
  private unusableBecause(): string | null {
    if (!this.connected) return 'the driver knows no usable database server';
    const stalled = this.roundTrips.stalledFor(Date.now());
    return stalled > PING_TIMEOUT_MS ? `no answer from the database for ${stalled + PING_EVERY_MS} ms` : null;
  }

  /** Follows whether the driver knows a usable server (its own monitoring, not our pings). */
  private watched(client: MongoClient): MongoClient {
    client.on('topologyDescriptionChanged', (e) => {
      if (client !== this.client) return;
      this.connected = e.newDescription.hasDataBearingServers;
      if (this.connected) this.lastConnectedAt = Date.now();
    });
    return client;
  }

  private async checkRoundTrip(): Promise<void> {
    const now = Date.now();
    if (this.connected) this.lastConnectedAt = now;
    else if (now - this.lastConnectedAt >= REPLACE_AFTER_MS && now - this.replacedAt >= REPLACE_AFTER_MS)
      return this.replaceClient();
    if (this.pingInFlight || !this.database) return;
    this.pingInFlight = true;
    const client = this.client;
    // The watchdog's round trips are the database latency metric: the driver's command
    // monitoring would time every command, but it deserializes each reply a second time
    // (5-10 % of throughput, and twice the work on large session documents).
    const end = databaseOperationDuration.startTimer({ command: 'ping' });
    try {
      await this.database.command({ ping: 1 });
      end({ outcome: 'ok' });
      if (client === this.client) this.lastAnswerAt = Date.now();
    } catch {
      end({ outcome: 'error' });
      /* no answer: lastAnswerAt stays where it was */
    } finally {
      if (client === this.client) this.pingInFlight = false;
    }
  }

  /** A new client takes over once it has connected; the old one is closed without waiting on it. */
  private async replaceClient(): Promise<void> {
    if (this.replacing) return;
    this.replacing = true;
    this.replacedAt = Date.now();
    this.logger.warn({
      msg: 'no answer from the database; replacing the client',
      disconnected_ms: Date.now() - this.lastConnectedAt,
    });
    const fresh = new MongoClient(this.url, clientOptions(this.url));
    try {
      await fresh.connect();
      const old = this.client;
      this.client = this.watched(fresh);
      this.database = fresh.db(this.dbName);
      this.connected = true;
      this.lastConnectedAt = Date.now();
      this.pingInFlight = false;
      void old?.close(true).catch(() => undefined);
    } catch (e) {
      void fresh.close(true).catch(() => undefined);
      this.logger.warn({ msg: 'the new database client could not connect yet', error: (e as Error).message });
    } finally {
      this.replacing = false;
    }
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

  /** One round trip, bounded even when the driver never answers. */
  async health(): Promise<DependencyHealth> {
    if (!this.database) return { status: 'down', error: 'not connected' };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer from the database')), PING_TIMEOUT_MS);
        }),
      ]);
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.watchdog);
    // Forced: a client waiting on a database that is down would otherwise hold the exit.
    await this.client?.close(true).catch(() => undefined);
  }
}
