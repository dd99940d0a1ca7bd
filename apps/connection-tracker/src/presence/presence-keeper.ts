import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Msg, Subscription } from 'nats';
import { PRESENCE_SUBJECTS, type HeartbeatReport, type PresenceReadReply } from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { Leadership, NatsConnectionService } from '@cobrowse/messaging';
import type { DeviceState } from '../devices/device-state';
import { DeviceLocks } from '../devices/device-locks';
import { DevicesRepository } from '../devices/devices.repository';
import { AbsorbBeatsUseCase } from './absorb-beats.usecase';
import { KnownDevices } from './known-devices';
import { Presence } from './presence';
import { withPresence } from './presence-overlay';
import { parseBeatsRequest, parseReadRequest } from './presence-requests';
import { PresenceShardsRepository } from './presence-shards.repository';

/** A device beating for ever still has its document brought up to date this often (retention, lists). */
export const FOLD_EVERY_MS = 3_600_000;

/** How often the leader stores the presence that changed: a tenth of the timeout, within 0.1-5 s. */
export function presenceStoreEveryMs(timeoutMs: number): number {
  return Math.max(100, Math.min(5_000, Math.floor(timeoutMs / 10)));
}

/**
 * The leader's presence, from taking the lease to losing it: loads what the previous leader
 * stored, answers heartbeats and presence reads on internal subjects (subscribed only while
 * leading, and not as a queue group: whoever leads answers), stores the shards that changed,
 * and folds into the device document the presence of a device gone quiet (then forgets it).
 */
@Injectable()
export class PresenceKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceKeeper.name);
  private subscriptions: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private ready = false;
  private busy = false;

  constructor(
    private readonly nats: NatsConnectionService,
    private readonly leadership: Leadership,
    private readonly presence: Presence,
    private readonly known: KnownDevices,
    private readonly shards: PresenceShardsRepository,
    private readonly devices: DevicesRepository,
    private readonly locks: DeviceLocks,
    private readonly absorb: AbsorbBeatsUseCase,
    private readonly config: AppConfig,
  ) {}

  private get timeoutMs(): number {
    return this.config.SESSION_INACTIVITY_TIMEOUT_MS;
  }

  /** Whether this replica leads and holds the presence (loaded): it answers from memory. */
  get serving(): boolean {
    return this.ready && this.leadership.isLeader;
  }

  onApplicationBootstrap(): void {
    this.leadership.onChange((leading) => (leading ? undefined : this.stopServing()));
    this.timer = setInterval(() => void this.tick(), presenceStoreEveryMs(this.timeoutMs));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.stopServing();
  }

  /** Everything it knows of some devices, for device reads. */
  read(tenant: string, deviceIds: string[]): PresenceReadReply {
    const devices: PresenceReadReply['devices'] = {};
    for (const id of deviceIds) {
      const seen = this.presence.of(tenant, id);
      if (seen.length) devices[id] = seen;
    }
    return { grace: this.presence.grace(Date.now()), devices };
  }

  /** A device was erased or expired: nothing of it is kept or stored again. */
  forget(documentId: string): void {
    this.presence.forget(documentId);
    this.known.forget(documentId);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (!this.leadership.isLeader) return await this.stopServing();
      if (!this.ready) return await this.startServing();
      await this.store();
      await this.foldQuiet();
    } catch (e) {
      this.logger.warn({ msg: 'presence upkeep failed; will retry', error: (e as Error).name });
    } finally {
      this.busy = false;
    }
  }

  private async startServing(): Promise<void> {
    this.known.clear();
    const { shards, storedAt } = await this.shards.all();
    this.presence.load(shards, storedAt, Date.now(), this.timeoutMs);
    if (!this.leadership.isLeader) return;
    const nc = this.nats.nc;
    this.subscriptions = [
      nc.subscribe(PRESENCE_SUBJECTS.beats, { callback: (_e, m) => void this.onBeats(m) }),
      nc.subscribe(PRESENCE_SUBJECTS.read, { callback: (_e, m) => this.onRead(m) }),
      nc.subscribe(PRESENCE_SUBJECTS.forget, { callback: (_e, m) => this.onForget(m) }),
    ];
    this.ready = true;
    this.logger.log({ msg: 'serving presence', shards: shards.length, stored_at: storedAt });
  }

  private async stopServing(): Promise<void> {
    if (!this.ready && !this.subscriptions.length) return;
    this.ready = false;
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.presence.clear();
    this.known.clear();
  }

  private async onBeats(m: Msg): Promise<void> {
    const request = parseBeatsRequest(m.data);
    if (!request) return void m.respond(JSON.stringify({ verdicts: [] }));
    // A replica that no longer leads sends every beat to the log rather than leave it unanswered.
    const wellFormed = request.beats.filter((b): b is HeartbeatReport => b !== null);
    const judged = this.serving
      ? await this.absorb.execute(request.tenant, wellFormed)
      : wellFormed.map(() => 'log' as const);
    let next = 0;
    const verdicts = request.beats.map((b) => (b === null ? 'log' : judged[next++]));
    m.respond(JSON.stringify({ verdicts }));
  }

  private onRead(m: Msg): void {
    const request = parseReadRequest(m.data);
    if (!request || !this.serving) return;
    m.respond(JSON.stringify(this.read(request.tenant, request.device_ids)));
  }

  private onForget(m: Msg): void {
    const request = parseReadRequest(m.data);
    if (!request) return;
    for (const id of request.device_ids) this.forget(`${request.tenant}/${id}`);
  }

  private async store(): Promise<void> {
    const now = Date.now();
    const shards = this.presence.takeDirtyShards(now);
    try {
      for (const shard of shards) {
        this.leadership.assertLeader();
        await this.shards.save(shard);
      }
      this.leadership.assertLeader();
      await this.shards.markStored(now);
    } catch (e) {
      this.presence.markDirty(shards.map((s) => s._id));
      throw e;
    }
  }

  /**
   * Devices not seen for a whole timeout are offline: their last presence goes into the
   * document and is forgotten here. Devices beating for an hour get it too, kept.
   */
  private async foldQuiet(): Promise<void> {
    const now = Date.now();
    for (const { documentId, quiet } of this.presence.toFold(now - this.timeoutMs, now - FOLD_EVERY_MS)) {
      if (!this.leadership.isLeader) return;
      await this.locks.run(documentId, () => this.fold(documentId, quiet, now));
    }
  }

  private async fold(documentId: string, quiet: boolean, now: number): Promise<void> {
    const owner = this.presence.tenantOf(documentId);
    if (!owner) return;
    const existing =
      this.known.get(documentId) ?? (await this.devices.findById(owner.tenant, owner.deviceId));
    if (existing) {
      const merged = withPresence(existing, this.presence.of(owner.tenant, owner.deviceId), null);
      if (changed(existing, merged)) {
        this.leadership.assertLeader();
        if (!(await this.devices.replaceIfUnchanged(existing, merged))) {
          this.known.forget(documentId); // changed meanwhile: read again next round
          return;
        }
        this.known.set(documentId, merged);
      }
    }
    if (quiet) this.presence.forget(documentId);
    else this.presence.folded(documentId, now);
  }
}

function changed(before: DeviceState, after: DeviceState): boolean {
  return (
    before.last_seen_at !== after.last_seen_at ||
    after.connections.some((c, i) => c !== before.connections[i])
  );
}
