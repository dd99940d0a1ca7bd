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
 *
 * Memory can miss a deadline the database holds: a previous leader still finishing its last
 * facts writes after this replica loaded, and nothing fences a write already under way. Such a
 * session must still end, so a miss is looked up in the database (`lookup`), and the sweeper
 * merges the database in again now and then (`refresh`) for sessions that report nothing more.
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

  /** Adds the deadlines the database holds and memory does not (see the class comment). */
  async refresh(): Promise<number> {
    let added = 0;
    for await (const deadline of this.repository.all()) {
      if (this.deadlines.has(deadline._id)) continue;
      this.deadlines.set(deadline._id, { deadline, storedAt: deadline.deadline_at });
      added++;
    }
    return added;
  }

  /** What memory holds; `lookup` when a miss matters. */
  find(tenant: string, sessionId: string): SessionDeadline | undefined {
    return this.deadlines.get(SessionDeadlinesRepository.id(tenant, sessionId))?.deadline;
  }

  /** An open session's deadline: from memory, or else from the database (then remembered). */
  async lookup(tenant: string, sessionId: string): Promise<SessionDeadline | undefined> {
    const known = this.find(tenant, sessionId);
    if (known) return known;
    const stored = await this.repository.findById(tenant, sessionId);
    if (!stored) return undefined;
    // Whatever memory learnt meanwhile is newer than the database.
    const current = this.deadlines.get(stored._id);
    if (current) return current.deadline;
    this.deadlines.set(stored._id, { deadline: stored, storedAt: stored.deadline_at });
    return stored;
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

  /** The device of an open session: at once from memory, else after a database lookup. */
  deviceOf(tenant: string, sessionId: string): string | undefined | Promise<string | undefined> {
    const known = this.find(tenant, sessionId);
    return known ? known.device_id : this.lookup(tenant, sessionId).then((d) => d?.device_id);
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
