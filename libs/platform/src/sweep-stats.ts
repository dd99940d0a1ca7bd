import type { HealthDetails } from './health.controller';

/** What a retention sweeper did, for the logs and for GET /health (`details`). */
export class SweepStats implements HealthDetails {
  private lastSweepAt: number | null = null;
  private lastPurged = 0;
  private lastSweepMs = 0;
  private purgedTotal = 0;

  record(purged: number, tookMs: number): void {
    this.lastSweepAt = Date.now();
    this.lastPurged = purged;
    this.lastSweepMs = tookMs;
    this.purgedTotal += purged;
  }

  details(): Record<string, number | string | null> {
    return {
      retention_last_sweep_at: this.lastSweepAt === null ? null : new Date(this.lastSweepAt).toISOString(),
      retention_last_sweep_ms: this.lastSweepMs,
      retention_last_purged: this.lastPurged,
      retention_purged_total: this.purgedTotal,
    };
  }
}
