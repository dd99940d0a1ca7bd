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
}

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
  if (index >= 0) next.connections[index] = connection;
  else next.connections.push(connection);
  return next;
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

const iso = (ms: number) => new Date(ms).toISOString();

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
