import type { Actor } from './identity';
/** Connection facts (SPEC section 7): keyed by device, kept in the event log, no session version. */
export const CONNECTION_EVENT_TYPES = [
  'connection.opened',
  'connection.heartbeat',
  'connection.closed',
] as const;
export type ConnectionEventType = (typeof CONNECTION_EVENT_TYPES)[number];

export interface ExpectedDisconnect {
  return_time_seconds?: number;
  message?: string;
  title?: string;
}

export interface ConnectionEventData {
  device_id: string;
  connection_id: string;
  current_url?: string;
  has_focus?: boolean;
  screen_width?: number;
  screen_height?: number;
  session_id?: string;
  expected_disconnect?: ExpectedDisconnect;
}

/** A fact as a relay reports it, before the lifecycle has logged it. */
export interface ReportedConnectionEvent {
  event_id: string;
  type: ConnectionEventType;
  device_id: string;
  occurred_at: number;
  data: Record<string, unknown>;
  /** The key that reported it (SPEC section 12). */
  actor?: Actor;
}

export interface ConnectionEnvelope {
  event_id: string;
  type: ConnectionEventType;
  tenant: string;
  device_id: string;
  /** Epoch ms on the device side. */
  occurred_at: number;
  /** Epoch ms when the service received it: presence and timeouts count from here. */
  recorded_at: number;
  actor?: Actor;
  data: ConnectionEventData;
}

export function isConnectionEventType(value: unknown): value is ConnectionEventType {
  return typeof value === 'string' && (CONNECTION_EVENT_TYPES as readonly string[]).includes(value);
}

/** The connection resource of SPEC section 5 (Devices). */
export interface ConnectionResource {
  unique_connection_id: string;
  current_url: string | null;
  active_since: string;
  status: 'active' | 'disconnected';
  has_focus: boolean;
  last_focus_at: string | null;
  screen_width: number | null;
  screen_height: number | null;
  expected_disconnect: {
    return_time_seconds: number | null;
    message: string | null;
    title: string | null;
    ts: string;
  } | null;
}

export interface DeviceResource {
  id: string;
  added_at: string;
  last_seen_at: string;
  is_online: boolean;
  is_in_session: boolean;
  current_session_id: string | null;
  last_url: string | null;
  device: Record<string, unknown>;
  custom_data: Record<string, unknown>;
  connections: ConnectionResource[];
  /** When retention removes the device: last seen plus the tenant's device TTL. */
  expires_at: string;
}
