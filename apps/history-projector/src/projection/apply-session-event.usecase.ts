import { Injectable } from '@nestjs/common';
import type { AnySessionEvent, SessionSnapshot } from '@cobrowse/contracts';
import { evolve } from '@cobrowse/session-domain';
import { SessionsRepository } from '../sessions/sessions.repository';

export type ApplyOutcome =
  | { outcome: 'applied'; snapshot: SessionSnapshot }
  | { outcome: 'already-applied' }
  /** An earlier event of the session is not in the read model yet (another replica has it). */
  | { outcome: 'gap'; have: number };

/** The event cannot be folded into its session, whatever is retried: it goes to the dead letters. */
export class PoisonEventError extends Error {}

function fold(current: SessionSnapshot | null, event: AnySessionEvent): SessionSnapshot {
  try {
    return evolve(current, event);
  } catch (e) {
    throw new PoisonEventError((e as Error).message);
  }
}

/** Folds one logged event into the sessions read model, exactly once per version. */
@Injectable()
export class ApplySessionEventUseCase {
  constructor(private readonly sessions: SessionsRepository) {}

  async execute(event: AnySessionEvent): Promise<ApplyOutcome> {
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
