import { groupBy } from '@cobrowse/platform';
import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { EventLog, type GroupOutcome } from '@cobrowse/messaging';
import { PoisonMessageError } from '@cobrowse/resilience';
import { projectionStepDuration } from '@cobrowse/observability';
import { isDuplicateKey, mapLimited } from '@cobrowse/persistence';
import { evolve } from '@cobrowse/session-domain';
import { rowOf } from '../session-list/list-row';
import { SessionListWriter, type RowChange } from '../session-list/session-list.writer';
import { sessionDocumentId } from '../sessions/session-document';
import { SessionsRepository, type StoredSession } from '../sessions/sessions.repository';

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

/** A session's row now and before (null: post it under every term it has), in its tenant. */
type PostingChange = RowChange & { tenant: string };

const postingChange = (session: SessionSnapshot, was: SessionSnapshot | null): PostingChange => ({
  tenant: session.tenant,
  row: rowOf(session),
  was: was ? rowOf(was) : null,
});

/** Sessions read at once from the database. */
const READ_CONCURRENCY = 16;

interface Folded {
  stored: StoredSession | null;
  snapshot: SessionSnapshot | null;
  /** The session after each event applied now (not the already-applied ones). */
  steps: SessionSnapshot[];
  outcome: GroupOutcome;
  /** Folded onto nothing without a read: its first event creates it. */
  presumedNew: boolean;
  /** Whether its write was sent (it had events not applied before). */
  written: boolean;
  /** Whether one of its events was applied before: it is delivered again. */
  deliveredAgain: boolean;
}

/**
 * Folds a batch of logged events into the sessions read model: each session's events of the
 * batch become one write, the batch's writes one bulk write beside the postings of the terms
 * they changed, and then the list's index pages and counters follow in one write per tenant.
 * What a session is folded onto is what this leader last wrote of it (no read), nothing when
 * the batch creates it (read only if its insert is refused), or else the stored document. Exactly once per version: an event at or below
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
    private readonly log: EventLog,
  ) {}

  /**
   * Forgets the sessions, list pages and postings kept at hand as written (call whenever
   * leadership changes: another writer may have been at work).
   */
  forgetWritten(): void {
    this.sessions.forgetWritten();
    this.list.forgetWritten();
  }

  async execute(groups: SessionEvents[]): Promise<ProjectedBatch> {
    const folded = await this.project(groups, { createdIsNew: true });
    // A creation delivered again (a crash came before its ack) finds its session stored:
    // those sessions are folded again from what is stored.
    const again = folded.flatMap((f, i) => (f.presumedNew && isDuplicateKey(f.outcome.failure) ? [i] : []));
    if (again.length) {
      const refolded = await this.project(
        again.map((i) => groups[i]),
        { createdIsNew: false },
      );
      again.forEach((i, j) => (folded[i] = refolded[j]));
    }
    return {
      outcomes: folded.map((f) => f.outcome),
      changed: folded.filter((f) => f.written && f.outcome.applied > 0).flatMap((f) => f.steps),
    };
  }

  private async project(groups: SessionEvents[], options: { createdIsNew: boolean }): Promise<Folded[]> {
    const folding = projectionStepDuration.startTimer({ step: 'fold' });
    const folded = await mapLimited(groups, READ_CONCURRENCY, (events) => this.fold(events, options));
    folding();
    const writes = folded.filter((f) => f.snapshot && f.snapshot.version !== (f.stored?.version ?? 0));
    // Postings and sessions are written side by side, each settled before the batch goes on:
    // a crash (or a refused posting) between a session's write and its postings leaves its
    // events unacked, and a session delivered again is posted under every term it has.
    const writing = new Set(writes);
    const postings = folded.flatMap((f) =>
      !f.snapshot
        ? []
        : f.deliveredAgain
          ? [postingChange(f.snapshot, null)]
          : writing.has(f)
            ? [postingChange(f.snapshot, f.stored?.snapshot ?? null)]
            : [],
    );
    const storing = projectionStepDuration.startTimer({ step: 'write' });
    const [posted, stored] = await Promise.allSettled([
      this.updatePostings(postings),
      this.sessions.write(writes.map((f) => ({ snapshot: f.snapshot!, stored: f.stored }))),
    ]);
    storing();
    if (posted.status === 'rejected') throw posted.reason;
    if (stored.status === 'rejected') throw stored.reason;
    const failed = stored.value;
    for (const f of writes) {
      f.written = true;
      const failure = failed.get(sessionDocumentId(f.snapshot!.tenant, f.snapshot!.id));
      if (failure !== undefined) f.outcome = { applied: 0, failure };
    }
    const listing = projectionStepDuration.startTimer({ step: 'list' });
    await this.updateList(folded.filter((f) => f.snapshot && f.outcome.applied > 0));
    listing();
    return folded;
  }

  /**
   * A session's events of the batch folded onto it as stored. One the batch creates is taken
   * to be new without a read (most are): its insert is refused when it was stored before,
   * and then it is folded again from what is stored (`execute`).
   */
  private async fold(events: SessionEvents, { createdIsNew }: { createdIsNew: boolean }): Promise<Folded> {
    const first = events.find((e): e is AnySessionEvent => !(e instanceof PoisonMessageError));
    const presumedNew = createdIsNew && first?.type === 'session.created';
    const stored = !first
      ? null
      : presumedNew
        ? (this.sessions.findWritten(first.tenant, first.session_id) ?? null)
        : await this.sessions.findStored(first.tenant, first.session_id);
    const folded: Omit<Folded, 'outcome'> = {
      stored,
      snapshot: stored?.snapshot ?? null,
      steps: [],
      presumedNew,
      written: false,
      deliveredAgain: false,
    };
    const outcome = await this.foldOnto(folded, events);
    return { ...folded, outcome };
  }

  /** Applies the events to `folded.snapshot`, recording each step; how far it got. */
  private async foldOnto(folded: Omit<Folded, 'outcome'>, events: SessionEvents): Promise<GroupOutcome> {
    let applied = 0;
    for (const event of events) {
      if (event instanceof PoisonMessageError) return { applied, failure: event };
      const have = folded.snapshot?.version ?? 0;
      if (event.version > have + 1) folded.snapshot = await this.fillFromLog(folded.snapshot, event);
      if (event.version > (folded.snapshot?.version ?? 0) + 1) {
        const missing = (folded.snapshot?.version ?? 0) + 1;
        return {
          applied,
          failure: new PoisonMessageError(`version ${missing} of the session cannot be applied`),
        };
      }
      if (event.version === (folded.snapshot?.version ?? 0) + 1) {
        try {
          folded.snapshot = evolve(folded.snapshot, event);
          folded.steps.push(folded.snapshot);
        } catch (e) {
          return { applied, failure: new PoisonMessageError((e as Error).message) };
        }
      } else folded.deliveredAgain = true;
      applied++;
    }
    return { applied };
  }

  /** The versions between what is folded and `event`, from the log. */
  private async fillFromLog(
    snapshot: SessionSnapshot | null,
    event: AnySessionEvent,
  ): Promise<SessionSnapshot | null> {
    for (const { event: earlier } of await this.log.sessionHistory(event.tenant, event.session_id)) {
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

  /**
   * The postings of the terms sessions gained (all of a session's terms when `was` is null)
   * and lost. A posting may outlive its session's term (the reader checks each posted session
   * against the whole query); a stored session missing from a posting it should be in is
   * what must not last: the sessions it could concern are posted again when delivered again.
   */
  private async updatePostings(changes: PostingChange[]): Promise<void> {
    const byTenant = groupBy(changes, (c) => c.tenant);
    await Promise.all(
      [...byTenant].map(([tenant, rows]) =>
        this.list.post(
          tenant,
          rows.map(({ row, was }) => ({ row, was })),
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
