import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'nats';
import { INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { MongoService } from '@cobrowse/persistence';
import { NatsConnectionService } from '@cobrowse/messaging';
import { SESSIONS_COLLECTION } from './session-document';

const POINTERS = 'read_model_pointers';
const REFRESH_MS = 1_000;

interface Pointer {
  _id: string;
  collection: string;
  switched_at: number;
}

/**
 * Which collection holds the live sessions read model. A rebuild fills a fresh collection
 * and then moves this pointer; every replica follows within a second (at once when the
 * rebuild announces it on NATS), and queries never stop.
 */
@Injectable()
export class ReadModelLocator implements OnApplicationBootstrap, OnApplicationShutdown {
  private current = SESSIONS_COLLECTION;
  private timer?: NodeJS.Timeout;
  private subscription?: Subscription;

  constructor(
    private readonly mongo: MongoService,
    private readonly nats: NatsConnectionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.subscription = this.nats.nc.subscribe(INTERNAL_SUBJECTS.readModelSwitched, {
      callback: () => void this.refresh().catch(() => undefined),
    });
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  sessionsCollection(): string {
    return this.current;
  }

  async refresh(): Promise<void> {
    this.current = await readPointer(this.mongo);
  }
}

export async function readPointer(mongo: MongoService): Promise<string> {
  const pointer = await mongo.db.collection<Pointer>(POINTERS).findOne({ _id: SESSIONS_COLLECTION });
  return pointer?.collection ?? SESSIONS_COLLECTION;
}

export async function switchPointer(mongo: MongoService, collection: string): Promise<void> {
  await mongo.db
    .collection<Pointer>(POINTERS)
    .replaceOne({ _id: SESSIONS_COLLECTION }, { collection, switched_at: Date.now() }, { upsert: true });
}
