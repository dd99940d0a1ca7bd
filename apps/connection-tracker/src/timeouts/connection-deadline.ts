import type { ConnectionEnvelope } from '@cobrowse/contracts';

/**
 * The deadline a connection fact sets, from its own recorded time, or null for one that sets
 * none: activity restarts the timeout; a close that announces a return
 * (`expected_disconnect.return_time_seconds`) extends it by that long; a plain close is not
 * activity. Absolute, so a fact applied twice sets the same deadline.
 */
export function deadlineSetBy(event: ConnectionEnvelope, timeoutMs: number): number | null {
  if (event.type !== 'connection.closed') return event.recorded_at + timeoutMs;
  const returnSeconds = event.data.expected_disconnect?.return_time_seconds ?? 0;
  return returnSeconds > 0 ? event.recorded_at + timeoutMs + returnSeconds * 1000 : null;
}
