import type { ConnectionPresence, PresenceGrace } from '@cobrowse/contracts';
import type { DeviceState } from '../devices/device-state';

/**
 * The device as its logged facts and the beats kept out of the log show it together: each
 * connection seen at the later of the two, focused at the later of the two. With a grace
 * (after a takeover), an active connection seen since `grace.from` counts as seen at
 * `grace.until` for being online; the device's `last_seen_at` stays what was really seen.
 */
export function withPresence(
  device: DeviceState,
  presence: readonly ConnectionPresence[],
  grace: PresenceGrace | null,
): DeviceState {
  if (!presence.length && !grace) return device;
  const byConnection = new Map(presence.map((p) => [p.connection_id, p]));
  let lastSeen = device.last_seen_at;
  const connections = device.connections.map((c) => {
    const p = byConnection.get(c.unique_connection_id);
    let seen = Math.max(c.last_seen_at, p?.seen_at ?? c.last_seen_at);
    lastSeen = Math.max(lastSeen, seen);
    if (grace && c.status === 'active' && seen >= grace.from) seen = Math.max(seen, grace.until);
    const focus = p?.focus_at ?? null;
    const lastFocus =
      focus === null ? c.last_focus_at : c.last_focus_at === null ? focus : Math.max(c.last_focus_at, focus);
    return seen === c.last_seen_at && lastFocus === c.last_focus_at
      ? c
      : { ...c, last_seen_at: seen, last_focus_at: lastFocus };
  });
  for (const p of presence) lastSeen = Math.max(lastSeen, p.seen_at);
  return { ...device, last_seen_at: lastSeen, connections };
}
