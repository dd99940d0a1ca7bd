import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { SweepStats } from '@cobrowse/platform';
import { SessionProjectionConsumer } from '../projection/session-projection.consumer';
import { ReadModelLocator } from '../sessions/read-model-locator';
import { SessionsRepository } from '../sessions/sessions.repository';
import { RetentionPolicyRepository } from './retention-policy.repository';
import { SessionExpiryWatch } from './session-expiry.watch';

/**
 * Every RETENTION_SWEEP_INTERVAL_MS, deletes ended sessions past their tenant's TTL. Only the
 * replica holding the projection lease sweeps (it is the one writer of the read model, and
 * FerretDB's deletes are not atomic with its updates); pending and active sessions are never
 * touched. The policy is read at each sweep, so a change applies without a restart. A sweep
 * reads the collection only when the expiry watch says something can have expired.
 */
@Injectable()
export class SessionRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRetentionSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private watchedCollection?: string;
  readonly stats = new SweepStats();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly policies: RetentionPolicyRepository,
    private readonly projection: SessionProjectionConsumer,
    private readonly locator: ReadModelLocator,
    private readonly watch: SessionExpiryWatch,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.RETENTION_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    if (!this.projection.holding || this.locator.sessionsCollection() !== this.watchedCollection) {
      this.watch.reset(); // a new holder, or a rebuilt read model: nothing known about it yet
      this.watchedCollection = this.locator.sessionsCollection();
      if (!this.projection.holding) return;
    }
    this.sweeping = true;
    const started = Date.now();
    try {
      if (!(await this.watch.isDue(started, (tenant) => this.ttlSeconds(tenant)))) return;
      const scan = this.watch.beginScan();
      const expired: string[] = [];
      for await (const session of this.sessions.endedSessions()) {
        if (typeof session.ended_recorded_at !== 'number') continue;
        const ttl = await this.ttlSeconds(session.tenant);
        if (session.ended_recorded_at + ttl * 1000 <= started) expired.push(session._id);
        else scan.keep(session.tenant, session.ended_recorded_at, ttl);
      }
      const purged = await this.sessions.deleteDocuments(expired);
      scan.finish();
      const took = Date.now() - started;
      this.stats.record(purged, took);
      if (purged) this.logger.log({ msg: 'retention sweep', purged_sessions: purged, took_ms: took });
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed; next interval retries', error: (e as Error).message });
    } finally {
      this.sweeping = false;
    }
  }

  private async ttlSeconds(tenant: string): Promise<number> {
    return (await this.policies.forTenant(tenant)).ended_session_ttl_seconds;
  }
}
