import type { HeartbeatReport } from '@cobrowse/contracts';
import type { DeviceState } from '../devices/device-state';

/**
 * Whether a heartbeat changes nothing but "seen now" (`seen`: kept in presence, not logged) or
 * changes state (`log`): a connection the device does not know as active, a URL or a focus
 * other than the connection's, a connection with a logged change still on its way through
 * the log (a beat compared with the state before that change could hide it), or the retry of
 * the last fact logged for the connection.
 */
export function beatVerdict(
  device: DeviceState | null,
  beat: HeartbeatReport,
  changeInFlight: boolean,
): 'seen' | 'log' {
  if (changeInFlight || !device) return 'log';
  const connection = device.connections.find((c) => c.unique_connection_id === beat.connection_id);
  if (!connection || connection.status !== 'active') return 'log';
  // The retry of a logged beat: the log answers it (a duplicate), whoever leads now.
  if (connection.last_event_id === beat.event_id) return 'log';
  if (beat.current_url !== undefined && beat.current_url !== connection.current_url) return 'log';
  if (beat.has_focus !== undefined && beat.has_focus !== connection.has_focus) return 'log';
  return 'seen';
}
