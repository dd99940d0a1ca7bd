import { Injectable } from '@nestjs/common';
import { PRESENCE_SUBJECTS, type PresenceReadReply, type PresenceReadRequest } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { NatsConnectionService } from '@cobrowse/messaging';
import { deviceDocumentId, type DeviceState } from '../devices/device-state';
import { presenceShardId, shardEntries, type PresenceShard } from './presence';
import { PresenceKeeper } from './presence-keeper';
import { withPresence } from './presence-overlay';
import { PresenceShardsRepository } from './presence-shards.repository';

const ASK_LEADER_MS = 2_000;

/**
 * Devices as reads show them, on any replica: the document with the presence of beats kept out
 * of the log laid over it. The leader has that presence in memory; another replica asks it,
 * and only when no leader answers (a takeover under way) reads the stored shards, counting a
 * connection online at the last store as online now (never offline early).
 */
@Injectable()
export class PresenceReader {
  constructor(
    private readonly keeper: PresenceKeeper,
    private readonly nats: NatsConnectionService,
    private readonly shards: PresenceShardsRepository,
    private readonly config: AppConfig,
  ) {}

  async overlay(tenant: string, devices: DeviceState[]): Promise<DeviceState[]> {
    if (!devices.length) return devices;
    const { grace, devices: seen } = await this.presenceOf(
      tenant,
      devices.map((d) => d.id),
    );
    return devices.map((d) => withPresence(d, seen[d.id] ?? [], grace));
  }

  /** A device was erased: the leader, wherever it is, forgets its presence. */
  forget(tenant: string, deviceId: string): void {
    if (this.keeper.serving) this.keeper.forget(deviceDocumentId(tenant, deviceId));
    else {
      const request: PresenceReadRequest = { tenant, device_ids: [deviceId] };
      this.nats.nc.publish(PRESENCE_SUBJECTS.forget, JSON.stringify(request));
    }
  }

  private async presenceOf(tenant: string, deviceIds: string[]): Promise<PresenceReadReply> {
    if (this.keeper.serving) return this.keeper.read(tenant, deviceIds);
    try {
      const request: PresenceReadRequest = { tenant, device_ids: deviceIds };
      const reply = await this.nats.nc.request(PRESENCE_SUBJECTS.read, JSON.stringify(request), {
        timeout: ASK_LEADER_MS,
      });
      return JSON.parse(Buffer.from(reply.data).toString('utf8')) as PresenceReadReply;
    } catch {
      return this.stored(tenant, deviceIds);
    }
  }

  private async stored(tenant: string, deviceIds: string[]): Promise<PresenceReadReply> {
    const wanted = new Set(deviceIds);
    const devices: PresenceReadReply['devices'] = {};
    const shardIds = new Set(deviceIds.map((id) => presenceShardId(tenant, id)));
    const [storedAt, ...shards] = await Promise.all([
      this.shards.storedAt(),
      ...[...shardIds].map((id) => this.shards.findShard(id)),
    ]);
    for (const shard of shards as Array<PresenceShard | null>)
      for (const { device_id, connection_id, seen_at, focus_at } of shardEntries(shard))
        if (wanted.has(device_id)) (devices[device_id] ??= []).push({ connection_id, seen_at, focus_at });
    const now = Date.now();
    const grace = {
      from: ((storedAt as number | null) ?? now) - this.config.SESSION_INACTIVITY_TIMEOUT_MS,
      until: now,
    };
    return { grace, devices };
  }
}
