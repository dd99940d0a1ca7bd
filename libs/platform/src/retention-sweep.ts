import type { LoggerService } from '@nestjs/common';
import type { ExpiryWatch } from './expiry-watch';
import { SweepStats } from './sweep-stats';

/** What a retention sweep can delete, seen from the service that owns it. */
export interface SweepSource {
  /** Everything that may expire: its document id, tenant, and when its TTL started counting. */
  candidates(): AsyncIterable<{ _id: string; tenant: string; at: number }>;
  ttlSeconds(tenant: string): Promise<number>;
  remove(ids: string[]): Promise<number>;
}

/**
 * One retention sweep at a time, over one collection: asks the expiry watch whether anything
 * can be due, and if so reads the candidates once, deletes the expired, and tells the watch
 * when the next one is due. The caller decides when (its timer) and whether (its lease).
 */
export class RetentionSweep {
  readonly stats = new SweepStats();
  private sweeping = false;

  constructor(
    private readonly watch: ExpiryWatch,
    private readonly logger: LoggerService,
    /** Names the purged count in the log line, e.g. `purged_sessions`. */
    private readonly purgedKey: string,
  ) {}

  async run(source: SweepSource): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    const started = Date.now();
    try {
      if (!(await this.watch.isDue(started, (tenant) => source.ttlSeconds(tenant)))) return;
      const scan = this.watch.beginScan();
      const expired: string[] = [];
      for await (const item of source.candidates()) {
        const ttl = await source.ttlSeconds(item.tenant);
        if (item.at + ttl * 1000 <= started) expired.push(item._id);
        else scan.keep(item.tenant, item.at, ttl);
      }
      const purged = await source.remove(expired);
      scan.finish();
      const took = Date.now() - started;
      this.stats.record(purged, took);
      if (purged) this.logger.log({ msg: 'retention sweep', [this.purgedKey]: purged, took_ms: took });
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed; next interval retries', error: (e as Error).message });
    } finally {
      this.sweeping = false;
    }
  }
}
