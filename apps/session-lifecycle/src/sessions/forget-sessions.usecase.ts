import { Injectable } from '@nestjs/common';
import { INTERNAL_SUBJECTS, type ForgetSessionsRequest } from '@cobrowse/contracts';
import { announceErasedSessions, NatsConnectionService } from '@cobrowse/messaging';
import { SessionHistoryCache, sessionKey } from '../event-log/session-history.cache';
import { SessionTokenRegistry } from '../tokens/session-token-registry';

/**
 * After an erasure purged sessions from the log: their tokens are freed, this replica's cached
 * histories dropped, and every other replica told to drop them (ForgottenSessionsListener).
 */
@Injectable()
export class ForgetSessionsUseCase {
  constructor(
    private readonly tokens: SessionTokenRegistry,
    private readonly cache: SessionHistoryCache,
    private readonly nats: NatsConnectionService,
  ) {}

  async execute({ tenant, sessions }: ForgetSessionsRequest): Promise<{ forgotten: number }> {
    for (const { session_id: sessionId, token } of sessions) {
      this.cache.delete(sessionKey(tenant, sessionId));
      if (token) await this.tokens.release(tenant, token, sessionId);
    }
    await announceErasedSessions(this.nats.nc, INTERNAL_SUBJECTS.lifecycleSessionsForgotten, {
      tenant,
      session_ids: sessions.map((s) => s.session_id),
    });
    return { forgotten: sessions.length };
  }
}
