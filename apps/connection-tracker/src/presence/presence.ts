import type { ConnectionPresence, PresenceGrace } from '@cobrowse/contracts';
import { deviceDocumentId } from '../devices/device-state';

/** Shards per tenant: a tenant's presence is written as this many small documents at most. */
export const PRESENCE_SHARDS = 64;

/** One connection of a device, as a shard stores it. */
export interface PresenceEntry extends ConnectionPresence {
  device_id: string;
}

/**
 * A tenant's devices whose id hashes to `n`, as stored. Rows are documents, not tuples:
 * FerretDB v1 refuses an array inside an array.
 */
export interface PresenceShard {
  _id: string;
  tenant: string;
  flushed_at: number;
  entries: PresenceEntry[];
}

/** A shard's well-formed rows; anything else (a row of another version, damage) is skipped: the grace covers it. */
export function shardEntries(shard: Pick<PresenceShard, 'entries'> | null | undefined): PresenceEntry[] {
  const entries: unknown = shard?.entries;
  if (!Array.isArray(entries)) return [];
  return entries.filter(
    (e): e is PresenceEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.device_id === 'string' &&
      typeof e.connection_id === 'string' &&
      typeof e.seen_at === 'number' &&
      (e.focus_at === null || typeof e.focus_at === 'number'),
  );
}

interface DeviceEntry {
  tenant: string;
  deviceId: string;
  shard: string;
  connections: Map<string, { seen: number; focus: number | null }>;
  latest: number;
  /** When its presence last went into the device document (or when this leader first had it). */
  foldedAt: number;
}

/** FNV-1a: stable across processes and versions, so a device's shard never moves. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const presenceShardId = (tenant: string, deviceId: string) =>
  `${tenant}/${hash(deviceId) % PRESENCE_SHARDS}`;

/**
 * The leader's presence: when each connection was last seen by a heartbeat kept out of the
 * log. In memory, written to per-tenant shard documents now and then (only the shards that
 * changed), loaded by the next leader with a grace for what it cannot know.
 */
export class Presence {
  private readonly devices = new Map<string, DeviceEntry>();
  private readonly shards = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private currentGrace: PresenceGrace | null = null;
  private graceSpanMs = 0;

  see(tenant: string, deviceId: string, connectionId: string, seenAt: number, focusAt: number | null): void {
    const key = deviceDocumentId(tenant, deviceId);
    let entry = this.devices.get(key);
    if (!entry) {
      const shard = presenceShardId(tenant, deviceId);
      entry = { tenant, deviceId, shard, connections: new Map(), latest: seenAt, foldedAt: seenAt };
      this.devices.set(key, entry);
      this.shardMembers(shard).add(key);
    }
    const known = entry.connections.get(connectionId);
    entry.connections.set(connectionId, {
      seen: Math.max(seenAt, known?.seen ?? seenAt),
      focus: focusAt === null ? (known?.focus ?? null) : Math.max(focusAt, known?.focus ?? focusAt),
    });
    entry.latest = Math.max(entry.latest, seenAt);
    this.dirty.add(entry.shard);
  }

  of(tenant: string, deviceId: string): ConnectionPresence[] {
    const entry = this.devices.get(deviceDocumentId(tenant, deviceId));
    if (!entry) return [];
    return [...entry.connections].map(([connection_id, { seen, focus }]) => ({
      connection_id,
      seen_at: seen,
      focus_at: focus,
    }));
  }

  /** When the device (its document id) was last seen by a beat kept here, if it was. */
  latest(documentId: string): number | undefined {
    return this.devices.get(documentId)?.latest;
  }

  grace(now: number): PresenceGrace | null {
    return this.currentGrace && now < this.currentGrace.until + this.graceSpanMs ? this.currentGrace : null;
  }

  forget(documentId: string): void {
    const entry = this.devices.get(documentId);
    if (!entry) return;
    this.devices.delete(documentId);
    this.shards.get(entry.shard)?.delete(documentId);
    this.dirty.add(entry.shard);
  }

  /** Devices not seen by a beat since `before`, and those whose document has not had their presence since `foldBefore`. */
  toFold(before: number, foldBefore: number): Array<{ documentId: string; quiet: boolean }> {
    const out: Array<{ documentId: string; quiet: boolean }> = [];
    for (const [documentId, entry] of this.devices)
      if (entry.latest < before) out.push({ documentId, quiet: true });
      else if (entry.foldedAt < foldBefore) out.push({ documentId, quiet: false });
    return out;
  }

  /** What a device's document holds now (its presence was folded into it). */
  folded(documentId: string, at: number): void {
    const entry = this.devices.get(documentId);
    if (entry) entry.foldedAt = at;
  }

  tenantOf(documentId: string): { tenant: string; deviceId: string } | undefined {
    const entry = this.devices.get(documentId);
    return entry && { tenant: entry.tenant, deviceId: entry.deviceId };
  }

  /** The shards changed since the last call, as documents to store (marked clean). */
  takeDirtyShards(now: number): PresenceShard[] {
    const out: PresenceShard[] = [];
    for (const shard of this.dirty) {
      const entries: PresenceShard['entries'] = [];
      for (const key of this.shards.get(shard) ?? []) {
        const entry = this.devices.get(key)!;
        for (const [connectionId, { seen, focus }] of entry.connections)
          entries.push({
            device_id: entry.deviceId,
            connection_id: connectionId,
            seen_at: seen,
            focus_at: focus,
          });
      }
      out.push({ _id: shard, tenant: shard.slice(0, shard.lastIndexOf('/')), flushed_at: now, entries });
      if (!entries.length) this.shards.delete(shard);
    }
    this.dirty.clear();
    return out;
  }

  /** Marks shards to be written again (their write failed). */
  markDirty(shards: Iterable<string>): void {
    for (const shard of shards) this.dirty.add(shard);
  }

  /**
   * Takes over what a previous leader stored. It last stored at `storedAt` (null: never); beats
   * it absorbed after that are unknown here, so every active connection seen since one
   * timeout before then counts as seen now for one more timeout: never offline early.
   */
  load(shards: Iterable<PresenceShard>, storedAt: number | null, now: number, timeoutMs: number): void {
    this.clear();
    for (const shard of shards)
      for (const { device_id, connection_id, seen_at, focus_at } of shardEntries(shard))
        this.see(shard.tenant, device_id, connection_id, seen_at, focus_at);
    for (const entry of this.devices.values()) entry.foldedAt = now;
    this.dirty.clear();
    this.currentGrace = { from: (storedAt ?? now) - timeoutMs, until: now };
    this.graceSpanMs = timeoutMs;
  }

  clear(): void {
    this.devices.clear();
    this.shards.clear();
    this.dirty.clear();
    this.currentGrace = null;
  }

  private shardMembers(shard: string): Set<string> {
    let members = this.shards.get(shard);
    if (!members) this.shards.set(shard, (members = new Set()));
    return members;
  }
}
