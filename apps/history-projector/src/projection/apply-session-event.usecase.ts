import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { PoisonMessageError } from '@cobrowse/messaging';
import { evolve } from '@cobrowse/session-domain';
import { SessionsRepository } from '../sessions/sessions.repository';
import { SessionLogReader } from './session-log.reader';

export type ApplyOutcome =
  | { outcome: 'applied'; snapshot: SessionSnapshot }
  | { outcome: 'already-applied' }
  /** An earlier event of the session is neither in the read model nor readable from the log. */
  | { outcome: 'gap'; have: number };

function fold(current: SessionSnapshot | null, event: AnySessionEvent): SessionSnapshot {
  try {
    return evolve(current, event);
  } catch (e) {
    throw new PoisonMessageError((e as Error).message);
  }
}

/**
 * Folds one logged event into the sessions read model, exactly once per version. When an
 * earlier version is missing (its message is still with a crashed replica, or with another
 * replica right now), the missing events are read from the log and applied first, so the
 * read model never waits for a redelivery.
 */
@Injectable()
export class ApplySessionEventUseCase {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly log: SessionLogReader,
  ) {}

  async execute(event: AnySessionEvent): Promise<ApplyOutcome> {
    const outcome = await this.applyOne(event);
    if (outcome.outcome !== 'gap') return outcome;
    const history = await this.log.read(event.tenant, event.session_id);
    for (const earlier of history) {
      if (earlier.version <= outcome.have || earlier.version >= event.version) continue;
      const filled = await this.applyOne(earlier);
      if (filled.outcome === 'gap') return filled;
    }
    return this.applyOne(event);
  }

  private async applyOne(event: AnySessionEvent): Promise<ApplyOutcome> {
    if (event.version === 1) {
      const snapshot = fold(null, event);
      return (await this.sessions.insert(snapshot))
        ? { outcome: 'applied', snapshot }
        : { outcome: 'already-applied' };
    }
    for (;;) {
      const current = await this.sessions.findById(event.tenant, event.session_id);
      const have = current?.version ?? 0;
      if (have >= event.version) return { outcome: 'already-applied' };
      if (!current || have < event.version - 1) return { outcome: 'gap', have };
      const snapshot = fold(current, event);
      if (await this.sessions.replaceIfVersion(snapshot, current.version))
        return { outcome: 'applied', snapshot };
    }
  }
}
