import type {
  AnySessionEvent,
  ConnectionEnvelope,
  ConnectionResource,
  DeviceResource,
} from '@cobrowse/contracts';

export interface ConnectionState {
  unique_connection_id: string;
  current_url: string | null;
  active_since: number;
  status: 'active' | 'disconnected';
  has_focus: boolean;
  last_focus_at: number | null;
  screen_width: number | null;
  screen_height: number | null;
  expected_disconnect: {
    return_time_seconds: number | null;
    message: string | null;
    title: string | null;
    ts: number;
  } | null;
  /** Service clock, when the connection last showed activity. */
  last_seen_at: number;
  /** Service clock, when it was closed (or pushed out by newer connections); null while active. */
  disconnected_at?: number | null;
  /** The `event_id` of the last logged fact applied to it: its retry is judged as logged (docs/presence.md). */
  last_event_id?: string;
}

/**
 * SPEC section 9: a device keeps its active connections and its 50 most recent
 * disconnected ones. Active connections are bounded too (our choice, docs/presence.md):
 * opening one more than 100 disconnects the one seen least recently.
 */
export const MAX_DISCONNECTED_CONNECTIONS = 50;
export const MAX_ACTIVE_CONNECTIONS = 100;

/** A device in the tracker's `devices` collection. Times are epoch ms on the service's clock. */
export interface DeviceState {
  _id: string;
  tenant: string;
  id: string;
  added_at: number;
  last_seen_at: number;
  current_session_id: string | null;
  last_url: string | null;
  device: Record<string, unknown>;
  custom_data: Record<string, unknown>;
  connections: ConnectionState[];
  /** The log position of the last fact applied to this device: a fact at or before it is not applied again. */
  applied_seq?: number;
}

export const deviceDocumentId = (tenant: string, deviceId: string) => `${tenant}/${deviceId}`;

function blank(tenant: string, deviceId: string, at: number): DeviceState {
  return {
    _id: deviceDocumentId(tenant, deviceId),
    tenant,
    id: deviceId,
    added_at: at,
    last_seen_at: at,
    current_session_id: null,
    last_url: null,
    device: {},
    custom_data: {},
    connections: [],
  };
}

/** Folds a connection fact into the device. Idempotent: it sets state, it does not count. */
export function applyConnection(device: DeviceState | null, event: ConnectionEnvelope): DeviceState {
  const at = event.recorded_at;
  const next: DeviceState = device
    ? { ...device, connections: [...device.connections] }
    : blank(event.tenant, event.device_id, at);
  next.last_seen_at = Math.max(next.last_seen_at, at);
  const d = event.data;
  const index = next.connections.findIndex((c) => c.unique_connection_id === d.connection_id);
  const existing = index >= 0 ? next.connections[index] : null;
  const connection: ConnectionState = existing
    ? { ...existing }
    : {
        unique_connection_id: d.connection_id,
        current_url: null,
        active_since: event.occurred_at,
        status: 'active',
        has_focus: false,
        last_focus_at: null,
        screen_width: null,
        screen_height: null,
        expected_disconnect: null,
        last_seen_at: at,
      };
  if (event.type === 'connection.closed') {
    connection.status = 'disconnected';
    connection.disconnected_at = at;
    const e = d.expected_disconnect;
    connection.expected_disconnect = e
      ? {
          return_time_seconds: e.return_time_seconds ?? null,
          message: e.message ?? null,
          title: e.title ?? null,
          ts: at,
        }
      : null;
  } else {
    if (event.type === 'connection.opened' && connection.status === 'disconnected')
      connection.active_since = event.occurred_at;
    connection.status = 'active';
    connection.disconnected_at = null;
    connection.expected_disconnect = null;
    connection.last_seen_at = Math.max(connection.last_seen_at, at);
    if (d.current_url !== undefined) {
      connection.current_url = d.current_url;
      next.last_url = d.current_url;
    }
    if (d.has_focus !== undefined) connection.has_focus = d.has_focus;
    if (d.has_focus) connection.last_focus_at = event.occurred_at;
    if (d.screen_width !== undefined) connection.screen_width = d.screen_width;
    if (d.screen_height !== undefined) connection.screen_height = d.screen_height;
  }
  connection.last_event_id = event.event_id;
  if (index >= 0) next.connections[index] = connection;
  else next.connections.push(connection);
  next.connections = boundConnections(next.connections, at);
  return next;
}

const disconnectedAt = (c: ConnectionState) => c.disconnected_at ?? c.last_seen_at;

/** Applies the connection limits, keeping the list in its original order. */
function boundConnections(connections: ConnectionState[], at: number): ConnectionState[] {
  const active = connections.filter((c) => c.status === 'active');
  if (active.length > MAX_ACTIVE_CONNECTIONS) {
    const pushedOut = new Set(
      [...active]
        .sort((a, b) => a.last_seen_at - b.last_seen_at)
        .slice(0, active.length - MAX_ACTIVE_CONNECTIONS),
    );
    connections = connections.map((c) =>
      pushedOut.has(c) ? { ...c, status: 'disconnected', disconnected_at: at, expected_disconnect: null } : c,
    );
  }
  const disconnected = connections
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => c.status === 'disconnected');
  if (disconnected.length <= MAX_DISCONNECTED_CONNECTIONS) return connections;
  // Most recent first; facts recorded in the same millisecond keep the order of the list.
  const kept = new Set(
    disconnected
      .sort((a, b) => disconnectedAt(b.c) - disconnectedAt(a.c) || b.index - a.index)
      .slice(0, MAX_DISCONNECTED_CONNECTIONS)
      .map(({ c }) => c),
  );
  return connections.filter((c) => c.status === 'active' || kept.has(c));
}

/** What a session event changes on its device: the current session, device info, last URL. */
export function applySession(
  device: DeviceState | null,
  deviceId: string,
  event: AnySessionEvent,
): DeviceState {
  const next: DeviceState = device ? { ...device } : blank(event.tenant, deviceId, event.recorded_at);
  next.last_seen_at = Math.max(next.last_seen_at, event.recorded_at);
  switch (event.type) {
    case 'session.created':
      next.current_session_id = event.session_id;
      if (event.data.device) next.device = { ...event.data.device };
      if (event.data.custom_data) next.custom_data = { ...next.custom_data, ...event.data.custom_data };
      if (event.data.start_url) next.last_url = event.data.start_url;
      break;
    case 'session.page-entered':
      next.last_url = event.data.url;
      break;
    case 'session.deactivated':
      if (next.current_session_id === event.session_id) next.current_session_id = null;
      break;
    default:
      break;
  }
  return next;
}

export function isOnline(device: Pick<DeviceState, 'connections'>, now: number, timeoutMs: number): boolean {
  return device.connections.some((c) => c.status === 'active' && now - c.last_seen_at <= timeoutMs);
}

/** Times are bounded at the edge; one that is not (written before the bounds) shows as null, never throws. */
const isoOrNull = (ms: number): string | null => {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};
const iso = (ms: number): string => isoOrNull(ms) ?? new Date(0).toISOString();

export function toDeviceResource(
  device: DeviceState,
  now: number,
  timeoutMs: number,
  deviceTtlSeconds: number,
): DeviceResource {
  return {
    id: device.id,
    added_at: iso(device.added_at),
    last_seen_at: iso(device.last_seen_at),
    is_online: isOnline(device, now, timeoutMs),
    is_in_session: device.current_session_id !== null,
    current_session_id: device.current_session_id,
    last_url: device.last_url,
    device: device.device,
    custom_data: device.custom_data,
    connections: device.connections.map((c): ConnectionResource => ({
      unique_connection_id: c.unique_connection_id,
      current_url: c.current_url,
      active_since: iso(c.active_since),
      status: c.status,
      has_focus: c.has_focus,
      last_focus_at: c.last_focus_at === null ? null : iso(c.last_focus_at),
      screen_width: c.screen_width,
      screen_height: c.screen_height,
      expected_disconnect: c.expected_disconnect
        ? { ...c.expected_disconnect, ts: iso(c.expected_disconnect.ts) }
        : null,
    })),
    expires_at: iso(device.last_seen_at + deviceTtlSeconds * 1000),
  };
}
