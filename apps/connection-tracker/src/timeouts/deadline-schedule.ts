import { Injectable } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { SessionDeadlinesRepository, type SessionDeadline } from './session-deadlines.repository';

interface Scheduled {
  /** The exact deadline, moved by every activity. */
  deadline: SessionDeadline;
  /** What the database holds: never earlier than `deadline.deadline_at`. */
  storedAt: number;
}

/**
 * The open sessions' deadlines, in the database for restarts and handovers and in memory on
 * the lease holder, which alone writes them: finding the overdue ones is then a walk over
 * memory, not a query (FerretDB would scan the collection every time).
 *
 * Activity moves a deadline far more often than it should cost a write (heartbeats every few
 * seconds). The database therefore holds the deadline plus a slack of a tenth of the timeout
 * and is written again only when the exact deadline passes it. After a restart a session may
 * end up to that slack late, never early.
 */
@Injectable()
export class DeadlineSchedule {
  private readonly deadlines = new Map<string, Scheduled>();

  constructor(
    private readonly repository: SessionDeadlinesRepository,
    private readonly config: AppConfig,
  ) {}

  private get slackMs(): number {
    return Math.min(60_000, Math.floor(this.config.SESSION_INACTIVITY_TIMEOUT_MS / 10));
  }

  /** Reads every deadline from the database; called when this replica takes the lease. */
  async load(): Promise<void> {
    this.deadlines.clear();
    for await (const deadline of this.repository.all())
      this.deadlines.set(deadline._id, { deadline, storedAt: deadline.deadline_at });
  }

  find(tenant: string, sessionId: string): SessionDeadline | undefined {
    return this.deadlines.get(SessionDeadlinesRepository.id(tenant, sessionId))?.deadline;
  }

  async save(deadline: SessionDeadline): Promise<void> {
    const known = this.deadlines.get(deadline._id);
    if (known && deadline.deadline_at <= known.storedAt) {
      known.deadline = deadline;
      return;
    }
    const storedAt = deadline.deadline_at + this.slackMs;
    const stored = { ...deadline, deadline_at: storedAt };
    if (known || !(await this.repository.insert(stored))) await this.repository.save(stored);
    this.deadlines.set(deadline._id, { deadline, storedAt });
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
    for (const { deadline } of this.deadlines.values()) if (deadline.deadline_at <= now) due.push(deadline);
    return due;
  }
}
