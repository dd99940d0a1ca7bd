import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { SweepStats } from '@cobrowse/platform';
import { DevicesRepository } from '../devices/devices.repository';
import { ConnectionTrackingConsumer } from '../tracking/connection-tracking.consumer';
import { DeviceExpiryWatch } from './device-expiry.watch';
import { RetentionPolicyClient } from './retention-policy.client';

/**
 * Every RETENTION_SWEEP_INTERVAL_MS, deletes devices not seen for their tenant's device TTL
 * (never one in an open session). Only the tracker lease holder sweeps: it is the devices'
 * one writer. The policy is asked for at each sweep, so a change applies without a restart;
 * the collection is read only when the expiry watch says something can have expired.
 */
@Injectable()
export class DeviceRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeviceRetentionSweeper.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  readonly stats = new SweepStats();

  constructor(
    private readonly devices: DevicesRepository,
    private readonly policies: RetentionPolicyClient,
    private readonly tracking: ConnectionTrackingConsumer,
    private readonly watch: DeviceExpiryWatch,
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
    if (!this.tracking.holding) return this.watch.reset();
    this.sweeping = true;
    const started = Date.now();
    try {
      if (!(await this.watch.isDue(started, (tenant) => this.ttlSeconds(tenant)))) return;
      const scan = this.watch.beginScan();
      const expired: string[] = [];
      for await (const device of this.devices.idleDevices()) {
        const ttl = await this.ttlSeconds(device.tenant);
        if (device.last_seen_at + ttl * 1000 <= started) expired.push(device._id);
        else scan.keep(device.tenant, device.last_seen_at, ttl);
      }
      const purged = await this.devices.deleteDocuments(expired);
      scan.finish();
      const took = Date.now() - started;
      this.stats.record(purged, took);
      if (purged) this.logger.log({ msg: 'retention sweep', purged_devices: purged, took_ms: took });
    } catch (e) {
      this.logger.warn({ msg: 'retention sweep failed; next interval retries', error: (e as Error).message });
    } finally {
      this.sweeping = false;
    }
  }

  private async ttlSeconds(tenant: string): Promise<number> {
    return (await this.policies.forTenant(tenant)).device_ttl_seconds;
  }
}
