import { Injectable, Logger } from '@nestjs/common';
import { Events } from 'nats';
import {
  EVENTS_STREAM,
  INTERNAL_SUBJECTS,
  SESSION_EVENTS_WILDCARD,
  type EraseSessionsRequest,
} from '@cobrowse/contracts';
import {
  EventLogUnavailableError,
  isTransientJetStreamError,
  LeaderLease,
  NatsConnectionService,
  onErasedSessions,
  PoisonMessageError,
  readBatch,
} from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';
import { LEASE_TTL_MS } from '@cobrowse/platform';
import { BACKOFF, retry } from '@cobrowse/resilience';
import { parseLoggedEvent } from '../projection/parse-event';
import { ProjectBatchUseCase, type SessionEvents } from '../projection/project-batch.usecase';
import { SessionLogReader } from '../projection/session-log.reader';
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
      writer: new ProjectBatchUseCase(repository, list, new SessionLogReader(this.nats)),
      erasures: [],
      erased: new Set(),
    };
    const erasures = onErasedSessions(this.nats.nc, INTERNAL_SUBJECTS.projectorSessionsErased, (erased) =>
      generation.erasures.push(erased),
    );
    const heardEverything = this.watchConnection();

    const progress: RebuildProgress = { seq: 0, lastSeq: 0, applied: 0, skipped: 0, phase: 'replaying' };
    const lease = new LeaderLease(this.nats.js, PROJECTOR_LEASE_KEY, `rebuild-${target}`, LEASE_TTL_MS);
    let renewal: NodeJS.Timeout | undefined;
    try {
      for (;;) {
        const caughtUp = await this.replayBatch(generation, progress);
        await this.applyErasures(generation);
        onProgress(progress);
        if (!caughtUp) continue;
        if (!renewal) {
          renewal = await this.takeLease(lease);
          continue; // replay what the live projector had not yet applied
        }
        break;
      }
      await this.applyErasures(generation);
      if (!heardEverything())
        throw new Error(
          'the connection to NATS dropped during the rebuild, so an erasure announced meanwhile may have been missed; run it again',
        );
      await switchPointer(this.mongo, target);
      this.nats.nc.publish(INTERNAL_SUBJECTS.readModelSwitched, target);
      progress.phase = 'switched';
      onProgress(progress);
      await new Promise((r) => setTimeout(r, POINTER_SPREAD_MS));
    } finally {
      erasures.unsubscribe();
      if (renewal) {
        clearInterval(renewal);
        await lease.release();
      }
      this.nats.nc.publish(INTERNAL_SUBJECTS.projectorStepDown, '0');
    }
    if (previous !== target) await this.dropCollection(previous);
    progress.phase = 'done';
    onProgress(progress);
    return { collection: target, previous, applied: progress.applied, skipped: progress.skipped };
  }

  /** Asks the live projector to step down and holds the lease until released. */
  private async takeLease(lease: LeaderLease): Promise<NodeJS.Timeout> {
    const deadline = Date.now() + HOLD_OFF_MS;
    for (;;) {
      this.nats.nc.publish(INTERNAL_SUBJECTS.projectorStepDown, String(HOLD_OFF_MS));
      if (await lease.tryAcquire()) break;
      if (Date.now() > deadline) throw new Error('the live projector did not hand over the projection lease');
      await new Promise((r) => setTimeout(r, 200));
    }
    return setInterval(() => {
      this.nats.nc.publish(INTERNAL_SUBJECTS.projectorStepDown, String(HOLD_OFF_MS));
      void lease.renew();
    }, 1_000);
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
        progress.lastSeq = (await this.nats.jsm.streams.info(EVENTS_STREAM)).state.last_seq;
        return readBatch(this.nats.nc, EVENTS_STREAM, SESSION_EVENTS_WILDCARD, progress.seq + 1, 500);
      },
      {
        backoff: BACKOFF.dependency,
        retryIf: (e) =>
          (e instanceof EventLogUnavailableError || isTransientJetStreamError(e)) && Date.now() < giveUpAt,
        onRetry: (e) =>
          this.logger.warn({ msg: 'the log did not answer a read; retrying', error: (e as Error).message }),
      },
    );
    const bySession = new Map<string, SessionEvents>();
    for (const m of events) {
      progress.seq = m.seq;
      const parsed = parseLoggedEvent(m.data);
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
