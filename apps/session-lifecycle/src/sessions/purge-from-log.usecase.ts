import { Injectable } from '@nestjs/common';
import {
  deviceFactsSubject,
  INTERNAL_SUBJECTS,
  sessionHistorySubject,
  type PurgeFromLogReply,
  type PurgeFromLogRequest,
} from '@cobrowse/contracts';
import { announceErasedSessions, EventLog, NatsConnectionService, TenantStreams } from '@cobrowse/messaging';
import { SessionHistoryCache, sessionKey } from '../event-log/session-history.cache';
import { SessionTokenRegistry } from '../tokens/session-token-registry';

/**
 * An erasure's part in the log, done by its one owner: every message of the device's sessions
 * and connection facts leaves the log (so no rebuild brings them back) and then the tenant's
 * copy (nothing sources them again); the sessions' tokens are freed, this replica's cached
 * histories dropped and every other replica told to drop them (ForgottenSessionsListener).
 * Idempotent: the erasure asks again for what was in flight.
 */
@Injectable()
export class PurgeFromLogUseCase {
  constructor(
    private readonly log: EventLog,
    private readonly nats: NatsConnectionService,
    private readonly tenantStreams: TenantStreams,
    private readonly tokens: SessionTokenRegistry,
    private readonly cache: SessionHistoryCache,
  ) {}

  async execute({ tenant, device_id: deviceId, sessions }: PurgeFromLogRequest): Promise<PurgeFromLogReply> {
    const subjects = [
      ...sessions.map((s) => sessionHistorySubject(tenant, s.session_id)),
      deviceFactsSubject(tenant, deviceId),
    ];
    const purged: PurgeFromLogReply = { log_messages_purged: 0, tenant_stream_messages_purged: 0 };
    for (const filter of subjects) purged.log_messages_purged += await this.log.purge(filter);
    for (const filter of subjects)
      purged.tenant_stream_messages_purged += await this.tenantStreams.purge(tenant, filter);
    for (const { session_id: sessionId, token } of sessions) {
      this.cache.delete(sessionKey(tenant, sessionId));
      if (token) await this.tokens.release(tenant, token, sessionId);
    }
    await announceErasedSessions(this.nats.nc, INTERNAL_SUBJECTS.lifecycleSessionsForgotten, {
      tenant,
      session_ids: sessions.map((s) => s.session_id),
    });
    return purged;
  }
}
