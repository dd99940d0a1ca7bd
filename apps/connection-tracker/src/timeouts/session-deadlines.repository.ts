import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection } from 'mongodb';
import { InsertBatcher, MongoService } from '@cobrowse/persistence';

/** When an open session times out unless it shows activity; kept in the database so restarts keep them. */
export interface SessionDeadline {
  _id: string;
  tenant: string;
  session_id: string;
  device_id: string;
  deadline_at: number;
}

@Injectable()
export class SessionDeadlinesRepository implements OnModuleInit {
  private readonly inserts = new InsertBatcher();

  constructor(private readonly mongo: MongoService) {}

  /** Looked up at each use: the database client can be replaced (MongoService's watchdog). */
  private get collection(): Collection<SessionDeadline> {
    return this.mongo.db.collection<SessionDeadline>('session_deadlines');
  }

  onModuleInit(): void {}

  static id(tenant: string, sessionId: string): string {
    return `${tenant}/${sessionId}`;
  }

  /** A new session's deadline (batched with concurrent inserts); false when one is already stored. */
  insert(deadline: SessionDeadline): Promise<boolean> {
    return this.inserts.insert(this.collection, deadline);
  }

  async save(deadline: SessionDeadline): Promise<void> {
    await this.collection.replaceOne({ _id: deadline._id }, deadline, { upsert: true });
  }

  findById(tenant: string, sessionId: string): Promise<SessionDeadline | null> {
    return this.collection.findOne({ _id: SessionDeadlinesRepository.id(tenant, sessionId) });
  }

  async remove(tenant: string, sessionId: string): Promise<void> {
    await this.collection.deleteOne({ _id: SessionDeadlinesRepository.id(tenant, sessionId) });
  }

  all(): AsyncIterable<SessionDeadline> {
    return this.collection.find({}, { batchSize: 1000 });
  }
}
