import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { Leadership } from '@cobrowse/messaging';
import { groupBy, RetentionSweep } from '@cobrowse/platform';
import { SessionListWriter } from '../session-list/session-list.writer';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { splitDocumentId } from '../sessions/session-document';
import { SessionsRepository } from '../sessions/sessions.repository';
import { RetentionPolicyRepository } from './retention-policy.repository';
import { SessionExpiryWatch } from './session-expiry.watch';

/**
 * Every RETENTION_SWEEP_INTERVAL_MS, deletes ended sessions past their tenant's TTL. Only the
 * projector's leader sweeps (it is the one writer of the read model, and
 * FerretDB's deletes are not atomic with its updates); pending and active sessions are never
 * touched. The policy is read at each sweep, so a change applies without a restart. A sweep
 * reads the collection only when the expiry watch says something can have expired.
 */
@Injectable()
export class SessionRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private watchedCollection?: string;
  private readonly sweep: RetentionSweep;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly list: SessionListWriter,
    private readonly policies: RetentionPolicyRepository,
    private readonly leadership: Leadership,
    private readonly locator: ReadModelLocator,
    private readonly watch: SessionExpiryWatch,
    private readonly config: AppConfig,
  ) {
    this.sweep = new RetentionSweep(watch, new Logger(SessionRetentionSweeper.name), 'purged_sessions');
  }

  get stats() {
    return this.sweep.stats;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.config.RETENTION_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<void> {
    if (!this.leadership.isLeader || this.locator.sessionsCollection() !== this.watchedCollection) {
      this.watch.reset(); // a new holder, or a rebuilt read model: nothing known about it yet
      this.watchedCollection = this.locator.sessionsCollection();
      if (!this.leadership.isLeader) return;
    }
    const sessions = this.sessions;
    await this.sweep.run({
      candidates: async function* () {
        for await (const s of sessions.endedSessions())
          if (typeof s.ended_recorded_at === 'number')
            yield { _id: s._id, tenant: s.tenant, at: s.ended_recorded_at };
      },
      ttlSeconds: async (tenant) => (await this.policies.forTenant(tenant)).ended_session_ttl_seconds,
      remove: (ids) => this.remove(ids),
    });
  }

  /** Deletes expired sessions (by document id), their list rows and counts. */
  private async remove(documentIds: string[]): Promise<number> {
    const byTenant = groupBy(documentIds.map(splitDocumentId), ([tenant]) => tenant);
    let removed = 0;
    for (const [tenant, sessions] of byTenant) {
      const gone = await this.sessions.delete(
        tenant,
        sessions.map(([, sessionId]) => sessionId),
      );
      await this.list.apply(tenant, { remove: gone.map((s) => [s.created_at, s.id] as const) });
      removed += gone.length;
    }
    return removed;
  }
}
