import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { Leadership } from '@cobrowse/messaging';
import { groupBy, RetentionSweep, RetentionPolicyClient } from '@cobrowse/platform';
import { keyOfDevice } from '../device-list/device-row';
import { DeviceListWriter } from '../device-list/device-list.writer';
import { DevicesRepository } from '../devices/devices.repository';
import { Presence } from '../presence/presence';
import { PresenceKeeper } from '../presence/presence-keeper';
import { DeviceExpiryWatch } from './device-expiry.watch';

/**
 * Every RETENTION_SWEEP_INTERVAL_MS, deletes devices not seen for their tenant's device TTL
 * (never one in an open session). Only the tracker's leader sweeps: it is the devices'
 * one writer. The policy is asked for at each sweep, so a change applies without a restart;
 * the collection is read only when the expiry watch says something can have expired.
 */
@Injectable()
export class DeviceRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly sweep: RetentionSweep;

  constructor(
    private readonly devices: DevicesRepository,
    private readonly list: DeviceListWriter,
    private readonly policies: RetentionPolicyClient,
    private readonly leadership: Leadership,
    private readonly watch: DeviceExpiryWatch,
    private readonly presence: Presence,
    private readonly keeper: PresenceKeeper,
    private readonly config: AppConfig,
  ) {
    this.sweep = new RetentionSweep(watch, new Logger(DeviceRetentionSweeper.name), 'purged_devices');
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
    if (!this.leadership.isLeader) return this.watch.reset();
    // Presence is what the leader holds: a sweep without it could expire a device still beating.
    if (!this.keeper.serving) return;
    const { devices, presence, keeper, list } = this;
    await this.sweep.run({
      candidates: async function* () {
        for await (const d of devices.idleDevices())
          yield { _id: d._id, tenant: d.tenant, at: Math.max(d.last_seen_at, presence.latest(d._id) ?? 0) };
      },
      ttlSeconds: async (tenant) => (await this.policies.forTenant(tenant)).device_ttl_seconds,
      remove: async (ids) => {
        // Rows first: a device whose deletion fails is swept again, and its row removed again.
        for (const [tenant, gone] of groupBy(await devices.identities(ids), (d) => d.tenant))
          await list.remove(tenant, gone.map(keyOfDevice));
        const removed = await devices.deleteDocuments(ids);
        for (const id of ids) keeper.forget(id);
        return removed;
      },
    });
  }
}
