import { Injectable, Logger } from '@nestjs/common';
import { EVENTS_STREAM, SESSION_EVENTS_WILDCARD } from '@cobrowse/contracts';
import { NatsConnectionService } from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';
import { ApplySessionEventUseCase, PoisonEventError } from '../projection/apply-session-event.usecase';
import { parseLoggedEvent } from '../projection/parse-event';
import {
  READ_MODEL_SWITCHED_SUBJECT,
  readPointer,
  switchPointer,
  type ReadModelLocator,
} from '../sessions/read-model-locator';
import { SessionsRepository } from '../sessions/sessions.repository';

/** After the switch, keep replaying this long so nothing the live projector wrote to the old collection is missed. */
const SETTLE_MS = 3_000;

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

/**
 * Replays the whole event log into a fresh sessions collection, switches the live read
 * model to it once caught up, keeps replaying while every replica follows the switch,
 * then drops the old collection. Queries are answered throughout.
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
    const repository = new SessionsRepository(this.mongo, { sessionsCollection: () => target } as ReadModelLocator);
    await repository.ensureIndexes();
    const apply = new ApplySessionEventUseCase(repository);

    const consumer = await this.nats.js.consumers.get(EVENTS_STREAM, { filterSubjects: [SESSION_EVENTS_WILDCARD] });
    const progress: RebuildProgress = { seq: 0, lastSeq: 0, applied: 0, skipped: 0, phase: 'replaying' };
    let switchedAt = 0;
    for (;;) {
      progress.lastSeq = (await this.nats.jsm.streams.info(EVENTS_STREAM)).state.last_seq;
      const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
      let received = 0;
      let pending = 0;
      for await (const m of batch) {
        received++;
        pending = m.info.pending;
        progress.seq = m.seq;
        const parsed = parseLoggedEvent(m.data);
        if ('reason' in parsed) {
          progress.skipped++;
          continue;
        }
        try {
          const outcome = await apply.execute(parsed.event);
          if (outcome.outcome === 'gap') progress.skipped++;
          else progress.applied++;
        } catch (e) {
          if (!(e instanceof PoisonEventError)) throw e;
          progress.skipped++;
        }
      }
      onProgress(progress);
      const caughtUp = received === 0 || pending === 0;
      if (caughtUp && progress.phase === 'replaying') {
        await switchPointer(this.mongo, target);
        this.nats.nc.publish(READ_MODEL_SWITCHED_SUBJECT, target);
        progress.phase = 'switched';
        switchedAt = Date.now();
        onProgress(progress);
      } else if (caughtUp && Date.now() - switchedAt >= SETTLE_MS) {
        break;
      }
    }
    if (previous !== target) await this.mongo.db.collection(previous).drop().catch(() => undefined);
    progress.phase = 'done';
    onProgress(progress);
    return { collection: target, previous, applied: progress.applied, skipped: progress.skipped };
  }

  /** Collections of earlier rebuilds that never switched over. */
  private async dropLeftovers(live: string): Promise<void> {
    const collections = await this.mongo.db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      if (/^sessions_\d+$/.test(name) && name !== live) {
        this.logger.warn({ msg: 'dropping an unfinished rebuild', collection: name });
        await this.mongo.db.collection(name).drop();
      }
    }
  }
}
