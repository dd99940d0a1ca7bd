import { Injectable, Logger } from '@nestjs/common';
import { Events } from 'nats';
import {
  INTERNAL_SUBJECTS,
  parseSessionEvent,
  SESSION_EVENTS_WILDCARD,
  type EraseSessionsRequest,
} from '@cobrowse/contracts';
import {
  EventLog,
  LeaderLease,
  Leadership,
  NatsConnectionService,
  onErasedSessions,
} from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';
import { LEASE_TTL_MS } from '@cobrowse/platform';
import { BACKOFF, classifyFailure, PoisonMessageError, retry, sleep, waitsOut } from '@cobrowse/resilience';
import { ProjectBatchUseCase, type SessionEvents } from '../projection/project-batch.usecase';
import { fencedSwitch } from './fenced-switch';
import { PROJECTOR_LEASE_KEY } from '../projection/session-projection.consumer';
import { ListPagesRepository } from '../session-list/list-pages.repository';
import { ListPostingsRepository } from '../session-list/list-postings.repository';
import { SessionListWriter } from '../session-list/session-list.writer';
import { readPointer, switchPointer, type ReadModelLocator } from '../sessions/read-model-locator';
import { readModelCollections } from '../sessions/session-document';
import { SessionsRepository } from '../sessions/sessions.repository';

/** The live projectors stay away from the lease this long when asked (renewed while the rebuild needs it). */
const HOLD_OFF_MS = 60_000;
/** A read the log does not answer (NATS restarting, a leader election) is tried again this long. */
const LOG_PATIENCE_MS = 120_000;
/** Every replica reads the read-model pointer at least this often. */
const POINTER_SPREAD_MS = 2_000;

export interface RebuildProgress {
  seq: number;
  lastSeq: number;
  applied: number;
  skipped: number;
  phase: 'replaying' | 'switched' | 'done';
}

export interface RebuildResult {
  collection: string;
  previous: string;
  applied: number;
  skipped: number;
}

/** What a rebuild writes its generation with, and what erasures it heard of. */
interface Generation {
  repository: SessionsRepository;
  list: SessionListWriter;
  writer: ProjectBatchUseCase;
  /** Erasures announced and not yet applied to the generation. */
  erasures: EraseSessionsRequest[];
  /** `<tenant>/<session id>` of every session erased during the rebuild. */
  erased: Set<string>;
}

/**
 * Replays the whole event log into a fresh sessions collection while the live projector
 * keeps the old one current. Once caught up it takes the projection lease (the live
 * projector steps down, so there is never a second writer), replays the rest, switches the
 * read model to the new collection, hands the lease back and drops the old collection.
 * Queries are answered throughout. An erasure during the rebuild is applied to the new
 * generation too (its announcement, after each batch), so the switch brings nothing back.
 */
@Injectable()
export class RebuildReadModelUseCase {
  private readonly logger = new Logger(RebuildReadModelUseCase.name);

  constructor(
    private readonly mongo: MongoService,
    private readonly nats: NatsConnectionService,
    private readonly log: EventLog,
  ) {}

  async execute(onProgress: (p: RebuildProgress) => void): Promise<RebuildResult> {
    const previous = await readPointer(this.mongo);
    const target = `sessions_${Date.now()}`;
    await this.dropLeftovers(previous);
    const locator = { sessionsCollection: () => target } as ReadModelLocator;
    const repository = new SessionsRepository(this.mongo, locator);
    await repository.ensureIndexes();
    const list = new SessionListWriter(
      new ListPagesRepository(this.mongo, locator),
      new ListPostingsRepository(this.mongo, locator),
    );
    const generation: Generation = {
      repository,
      list,
      // The same projection as the live one, into the new collections (it alone writes them).
      writer: new ProjectBatchUseCase(repository, list, this.log),
      erasures: [],
      erased: new Set(),
    };
    const erasures = onErasedSessions(this.nats.nc, INTERNAL_SUBJECTS.projectorSessionsErased, (erased) =>
      generation.erasures.push(erased),
    );
    const heardEverything = this.watchConnection();

    const progress: RebuildProgress = { seq: 0, lastSeq: 0, applied: 0, skipped: 0, phase: 'replaying' };
    // The projection's lease as every writer holds it: renewed, fenced, and lost (never
    // silently kept) when a renewal fails.
    const leadership = new Leadership(
      new LeaderLease(this.nats, PROJECTOR_LEASE_KEY, `rebuild-${target}`, LEASE_TTL_MS),
      { name: `${PROJECTOR_LEASE_KEY} rebuild`, stallLimitMs: Number.POSITIVE_INFINITY, logger: this.logger },
    );
    let asking: NodeJS.Timeout | undefined;
    let term: number | undefined;
    try {
      for (;;) {
        const caughtUp = await this.replayBatch(generation, progress);
        await this.applyErasures(generation);
        onProgress(progress);
        if (!caughtUp) continue;
        if (term === undefined) {
          asking = await this.takeLease(leadership);
          term = leadership.term;
          continue; // replay what the live projector had not yet applied
        }
        break;
      }
      await this.applyErasures(generation);
      await fencedSwitch({ leadership, term, heardEverything: heardEverything() }, () =>
        switchPointer(this.mongo, target),
      );
      this.nats.nc.publish(INTERNAL_SUBJECTS.readModelSwitched, target);
      progress.phase = 'switched';
      onProgress(progress);
      await sleep(POINTER_SPREAD_MS);
    } finally {
      erasures.unsubscribe();
      clearInterval(asking);
      await leadership.stop();
      this.nats.nc.publish(INTERNAL_SUBJECTS.projectorStepDown, '0');
    }
    if (previous !== target) await this.dropCollection(previous);
    progress.phase = 'done';
    onProgress(progress);
    return { collection: target, previous, applied: progress.applied, skipped: progress.skipped };
  }

  /**
   * Asks the live projector to step down until it leads itself; returns the timer that keeps
   * asking (the live replicas stay away only as long as they are asked).
   */
  private async takeLease(leadership: Leadership): Promise<NodeJS.Timeout> {
    const ask = () => this.nats.nc.publish(INTERNAL_SUBJECTS.projectorStepDown, String(HOLD_OFF_MS));
    ask();
    const asking = setInterval(ask, 1_000);
    const deadline = Date.now() + HOLD_OFF_MS;
    await leadership.start();
    while (!leadership.isLeader) {
      if (Date.now() > deadline) {
        clearInterval(asking);
        throw new Error('the live projector did not hand over the projection lease');
      }
      await sleep(100);
    }
    return asking;
  }

  /**
   * Whether this process has been connected to NATS throughout (so it heard every erasure
   * announced), from now on.
   */
  private watchConnection(): () => boolean {
    let dropped = false;
    void (async () => {
      for await (const status of this.nats.nc.status())
        if (status.type === Events.Disconnect || status.type === Events.Reconnect) dropped = true;
    })();
    return () => !dropped && !this.nats.nc.isClosed();
  }

  /** Removes the sessions erased since the last batch from the new generation, as the live projector does. */
  private async applyErasures({ repository, list, erasures, erased }: Generation): Promise<void> {
    for (const { tenant, session_ids: ids } of erasures.splice(0)) {
      for (const id of ids) erased.add(`${tenant}/${id}`);
      const removed = await repository.delete(tenant, ids);
      if (removed.length) await list.apply(tenant, { remove: removed.map((s) => [s.created_at, s.id]) });
    }
  }

  /** Applies up to one batch from the log; true when nothing is left to replay. */
  private async replayBatch({ writer, erased }: Generation, progress: RebuildProgress): Promise<boolean> {
    const giveUpAt = Date.now() + LOG_PATIENCE_MS;
    const { events, pending } = await retry(
      async () => {
        progress.lastSeq = await this.log.end();
        return this.log.read(SESSION_EVENTS_WILDCARD, progress.seq + 1, 500);
      },
      {
        backoff: BACKOFF.dependency,
        retryIf: (e) => waitsOut(classifyFailure(e)) && Date.now() < giveUpAt,
        onRetry: (e) =>
          this.logger.warn({ msg: 'the log did not answer a read; retrying', error: (e as Error).message }),
      },
    );
    const bySession = new Map<string, SessionEvents>();
    for (const m of events) {
      progress.seq = m.seq;
      const parsed = parseSessionEvent(m.data);
      if ('reason' in parsed) {
        progress.skipped++;
        continue;
      }
      const key = `${parsed.event.tenant}/${parsed.event.session_id}`;
      // Read before the erasure purged it, and announced since.
      if (erased.has(key)) {
        progress.skipped++;
        continue;
      }
      bySession.set(key, [...(bySession.get(key) ?? []), parsed.event]);
    }
    const groups = [...bySession.values()];
    const { outcomes } = await writer.execute(groups);
    outcomes.forEach((outcome, i) => {
      if (outcome.failure !== undefined && !(outcome.failure instanceof PoisonMessageError))
        throw outcome.failure;
      progress.applied += outcome.applied;
      progress.skipped += groups[i].length - outcome.applied;
    });
    if (!events.length) progress.seq = Math.max(progress.seq, progress.lastSeq);
    return pending === 0;
  }

  /** Drops a generation of the read model: its sessions, page chunks, list pages and postings. */
  private async dropCollection(base: string): Promise<void> {
    for (const name of Object.values(readModelCollections(base)))
      await this.mongo.db
        .collection(name)
        .drop()
        .catch(() => undefined);
  }

  /** Collections of earlier rebuilds that never switched over. */
  private async dropLeftovers(live: string): Promise<void> {
    const collections = await this.mongo.db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      const base = /^(sessions_\d+)(_pages|_list|_postings)?$/.exec(name)?.[1];
      if (base && base !== live) {
        this.logger.warn({ msg: 'dropping an unfinished rebuild', collection: name });
        await this.mongo.db.collection(name).drop();
      }
    }
  }
}
