import { Injectable } from '@nestjs/common';
import type { ForgetSessionsRequest } from '@cobrowse/contracts';
import { SessionHistoryCache } from '../event-log/session-history.cache';
import { SessionTokenRegistry } from '../tokens/session-token-registry';

/**
 * After an erasure purged sessions from the log: their tokens are freed and this replica's
 * cached histories dropped. Other replicas' caches need nothing: the next append to an erased
 * session fails the log's expected-last-sequence check, re-reads, and finds no session.
 */
@Injectable()
export class ForgetSessionsUseCase {
  constructor(
    private readonly tokens: SessionTokenRegistry,
    private readonly cache: SessionHistoryCache,
  ) {}

  async execute({ tenant, sessions }: ForgetSessionsRequest): Promise<{ forgotten: number }> {
    for (const { session_id: sessionId, token } of sessions) {
      this.cache.delete(`${tenant}/${sessionId}`);
      if (token) await this.tokens.release(tenant, token, sessionId);
    }
    return { forgotten: sessions.length };
  }
}
