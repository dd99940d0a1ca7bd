import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { SweepStats } from '@cobrowse/platform';
import { SessionProjectionConsumer } from '../projection/session-projection.consumer';
import { SessionsRepository } from '../sessions/sessions.repository';
import { RetentionPolicyRepository } from './retention-policy.repository';

/**
 * Every RETENTION_SWEEP_INTERVAL_MS, deletes ended sessions past their tenant's TTL. Only the
 * replica holding the projection lease sweeps (it is the one writer of the read model, and
 * FerretDB's deletes are not atomic with its updates); pending and active sessions are never
 * touched. The policy is read at each sweep, so a change applies without a restart.
 */
@Injectable()
export class SessionRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRetentionSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  readonly stats = new SweepStats();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly policies: RetentionPolicyRepository,
    private readonly projection: SessionProjectionConsumer,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.RETENTION_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping || !this.projection.holding) return;
    this.sweeping = true;
    const started = Date.now();
    try {
      let purged = 0;
      for (const tenant of await this.sessions.tenantsWithEndedSessions()) {
        const policy = await this.policies.forTenant(tenant);
        purged += await this.sessions.purgeEndedBefore(
          tenant,
          Date.now() - policy.ended_session_ttl_seconds * 1000,
        );
      }
      const took = Date.now() - started;
      this.stats.record(purged, took);
      if (purged) this.logger.log({ msg: 'retention sweep', purged_sessions: purged, took_ms: took });
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed; next interval retries', error: (e as Error).message });
    } finally {
      this.sweeping = false;
    }
  }
}
