import { INTERNAL_PREFIX } from './subjects';

/**
 * Heartbeats that change nothing but "seen now" are not logged (SPEC section 7): the gateway
 * asks the connection-tracker's leader about them, and logs only those it answers `log`.
 * Core NATS requests, answered by the leader alone (docs/presence.md).
 */
export const PRESENCE_SUBJECTS = {
  /** A batch of heartbeats of one tenant: `PresenceBeatsRequest` → `PresenceBeatsReply`. */
  beats: `${INTERNAL_PREFIX}.tracker.presence.beats`,
  /** What the leader knows of some devices' presence: `PresenceReadRequest` → `PresenceReadReply`. */
  read: `${INTERNAL_PREFIX}.tracker.presence.read`,
  /** A device was erased: the leader forgets what it knows of it (`PresenceReadRequest`, no reply). */
  forget: `${INTERNAL_PREFIX}.tracker.presence.forget`,
} as const;

/** One `connection.heartbeat` as a relay reported it (already validated by the gateway). */
export interface HeartbeatReport {
  event_id: string;
  device_id: string;
  connection_id: string;
  /** Epoch ms on the device side: what `last_focus_at` shows. */
  occurred_at: number;
  /** As reported: null is a value too (it clears the URL), only an absent field changes nothing. */
  current_url?: string | null;
  has_focus?: boolean | null;
}

export interface PresenceBeatsRequest {
  tenant: string;
  beats: HeartbeatReport[];
}

/**
 * Per beat: `seen` — absorbed into presence (nothing to log); `duplicate` — the same beat was
 * absorbed already; `log` — it changes state (or the leader could not absorb it): append it to
 * the log like any connection fact.
 */
export type BeatVerdict = 'seen' | 'duplicate' | 'log';

export interface PresenceBeatsReply {
  verdicts: BeatVerdict[];
}

export interface PresenceReadRequest {
  tenant: string;
  device_ids: string[];
}

/** When a connection was last seen (service clock) and last reported focused (device clock), from beats not logged. */
export interface ConnectionPresence {
  connection_id: string;
  seen_at: number;
  focus_at: number | null;
}

/**
 * After a takeover the new leader cannot know which beats its predecessor absorbed since it
 * last stored presence: an active connection seen since `from` counts as seen at `until`
 * (never shown offline early).
 */
export interface PresenceGrace {
  from: number;
  until: number;
}

export interface PresenceReadReply {
  grace: PresenceGrace | null;
  devices: Record<string, ConnectionPresence[]>;
}
