import { groupBy } from '@cobrowse/platform';
import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { PoisonMessageError, type GroupOutcome } from '@cobrowse/messaging';
import { mapLimited } from '@cobrowse/persistence';
import { evolve } from '@cobrowse/session-domain';
import { rowOf } from '../session-list/list-row';
import { SessionListWriter } from '../session-list/session-list.writer';
import { sessionDocumentId } from '../sessions/session-document';
import { SessionsRepository, type StoredSession } from '../sessions/sessions.repository';
import { SessionLogReader } from './session-log.reader';

/** A session's events of one batch, in log order; a message that is no event is its reason to be parked. */
export type SessionEvents = Array<AnySessionEvent | PoisonMessageError>;

export interface ProjectedBatch {
  outcomes: GroupOutcome[];
  /**
   * The session after each event this batch applied, in log order per session: what the
   * projector announces (one snapshot per applied event, SPEC section 4).
   */
  changed: SessionSnapshot[];
}

/** Sessions read at once from the database. */
const READ_CONCURRENCY = 16;

interface Folded {
  stored: StoredSession | null;
  snapshot: SessionSnapshot | null;
  /** The session after each event applied now (not the already-applied ones). */
  steps: SessionSnapshot[];
  outcome: GroupOutcome;
}

/**
 * Folds a batch of logged events into the sessions read model: each session's events of the
 * batch become one write, the batch's writes one bulk write, and then the list's index pages
 * and counters follow in one write per tenant. Exactly once per version: an event at or below
 * the stored version is already applied; a missing earlier version is read from the log (its
 * message is with a crashed replica, or parked). Rows and counters are set from the sessions
 * as stored, never added to, so a batch delivered again after a crash completes what it
 * began and changes nothing more.
 */
@Injectable()
export class ProjectBatchUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly list: SessionListWriter,
    private readonly log: SessionLogReader,
  ) {}

  async execute(groups: SessionEvents[]): Promise<ProjectedBatch> {
    const folded = await mapLimited(groups, READ_CONCURRENCY, (events) => this.fold(events));
    const writes = folded.filter((f) => f.snapshot && f.snapshot.version !== (f.stored?.version ?? 0));
    await this.updatePostings(writes);
    const failed = await this.sessions.write(
      writes.map((f) => ({ snapshot: f.snapshot!, stored: f.stored })),
    );
    for (const f of writes) {
      const failure = failed.get(sessionDocumentId(f.snapshot!.tenant, f.snapshot!.id));
      if (failure !== undefined) f.outcome = { applied: 0, failure };
    }
    await this.updateList(folded.filter((f) => f.snapshot && f.outcome.applied > 0));
    return {
      outcomes: folded.map((f) => f.outcome),
      changed: writes.filter((f) => f.outcome.applied > 0).flatMap((f) => f.steps),
    };
  }

  private async fold(events: SessionEvents): Promise<Folded> {
    const first = events.find((e): e is AnySessionEvent => !(e instanceof PoisonMessageError));
    const stored = first ? await this.sessions.findStored(first.tenant, first.session_id) : null;
    let snapshot = stored?.snapshot ?? null;
    let applied = 0;
    const steps: SessionSnapshot[] = [];
    for (const event of events) {
      if (event instanceof PoisonMessageError)
        return { stored, snapshot, steps, outcome: { applied, failure: event } };
      const have = snapshot?.version ?? 0;
      if (event.version > have + 1) snapshot = await this.fillFromLog(snapshot, event);
      if (event.version > (snapshot?.version ?? 0) + 1) {
        const missing = (snapshot?.version ?? 0) + 1;
        const failure = new PoisonMessageError(`version ${missing} of the session cannot be applied`);
        return { stored, snapshot, steps, outcome: { applied, failure } };
      }
      if (event.version === (snapshot?.version ?? 0) + 1) {
        try {
          snapshot = evolve(snapshot, event);
          steps.push(snapshot);
        } catch (e) {
          const failure = new PoisonMessageError((e as Error).message);
          return { stored, snapshot, steps, outcome: { applied, failure } };
        }
      }
      applied++;
    }
    return { stored, snapshot, steps, outcome: { applied } };
  }

  /** The versions between what is folded and `event`, from the log. */
  private async fillFromLog(
    snapshot: SessionSnapshot | null,
    event: AnySessionEvent,
  ): Promise<SessionSnapshot | null> {
    for (const earlier of await this.log.read(event.tenant, event.session_id)) {
      const have = snapshot?.version ?? 0;
      if (earlier.version !== have + 1 || earlier.version >= event.version) continue;
      try {
        snapshot = evolve(snapshot, earlier);
      } catch {
        return snapshot;
      }
    }
    return snapshot;
  }

  /** The postings of the terms the written sessions gained or lost, before the sessions are stored. */
  private async updatePostings(writes: Folded[]): Promise<void> {
    const byTenant = groupBy(writes, (f) => f.snapshot!.tenant);
    await Promise.all(
      [...byTenant].map(([tenant, sessions]) =>
        this.list.post(
          tenant,
          sessions.map((f) => ({
            row: rowOf(f.snapshot!),
            was: f.stored ? rowOf(f.stored.snapshot) : null,
          })),
        ),
      ),
    );
  }

  /** Every session the batch touched gets its row as it is now (already-applied ones too: a crash may have come between). */
  private async updateList(folded: Folded[]): Promise<void> {
    const byTenant = groupBy(
      folded.map((f) => f.snapshot!),
      (snapshot) => snapshot.tenant,
    );
    await Promise.all(
      [...byTenant].map(([tenant, sessions]) => this.list.apply(tenant, { put: sessions.map(rowOf) })),
    );
  }
}
