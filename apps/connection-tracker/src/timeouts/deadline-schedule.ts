import { Injectable } from '@nestjs/common';
import { SessionDeadlinesRepository, type SessionDeadline } from './session-deadlines.repository';

/**
 * The open sessions' deadlines, in the database for restarts and handovers and in memory on
 * the lease holder, which alone writes them: finding the overdue ones is then a walk over
 * memory, not a query (FerretDB would scan the collection every time).
 */
@Injectable()
export class DeadlineSchedule {
  private readonly deadlines = new Map<string, SessionDeadline>();

  constructor(private readonly repository: SessionDeadlinesRepository) {}

  /** Reads every deadline from the database; called when this replica takes the lease. */
  async load(): Promise<void> {
    this.deadlines.clear();
    for await (const deadline of this.repository.all()) this.deadlines.set(deadline._id, deadline);
  }

  find(tenant: string, sessionId: string): SessionDeadline | undefined {
    return this.deadlines.get(SessionDeadlinesRepository.id(tenant, sessionId));
  }

  async save(deadline: SessionDeadline): Promise<void> {
    await this.repository.save(deadline);
    this.deadlines.set(deadline._id, deadline);
  }

  /** The device of an open session, if this replica knows it. */
  deviceOf(tenant: string, sessionId: string): string | undefined {
    return this.find(tenant, sessionId)?.device_id;
  }

  async remove(tenant: string, sessionId: string): Promise<void> {
    await this.repository.remove(tenant, sessionId);
    this.deadlines.delete(SessionDeadlinesRepository.id(tenant, sessionId));
  }

  due(now: number): SessionDeadline[] {
    const due: SessionDeadline[] = [];
    for (const deadline of this.deadlines.values()) if (deadline.deadline_at <= now) due.push(deadline);
    return due;
  }
}
