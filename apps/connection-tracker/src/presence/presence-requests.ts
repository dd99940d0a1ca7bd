import type { HeartbeatReport, PresenceBeatsRequest, PresenceReadRequest } from '@cobrowse/contracts';

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096;

function parse(data: Uint8Array): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isBeat(value: unknown): value is HeartbeatReport {
  const b = value as Partial<HeartbeatReport> | null;
  return (
    !!b &&
    isString(b.event_id) &&
    isString(b.device_id) &&
    isString(b.connection_id) &&
    typeof b.occurred_at === 'number' &&
    (b.current_url === undefined || b.current_url === null || typeof b.current_url === 'string') &&
    (b.has_focus === undefined || b.has_focus === null || typeof b.has_focus === 'boolean')
  );
}

/**
 * A batch of heartbeats, each one null when it is not well-formed (it is then sent to the log,
 * which has its own checks), or null for a message that is no batch at all: a message on an
 * internal subject is never trusted blindly.
 */
export function parseBeatsRequest(
  data: Uint8Array,
): { tenant: string; beats: Array<HeartbeatReport | null> } | null {
  const request = parse(data) as Partial<PresenceBeatsRequest> | null;
  if (!request || !isString(request.tenant) || !Array.isArray(request.beats)) return null;
  return { tenant: request.tenant, beats: request.beats.map((b: unknown) => (isBeat(b) ? b : null)) };
}

export function parseReadRequest(data: Uint8Array): PresenceReadRequest | null {
  const request = parse(data);
  if (!request || !isString(request.tenant) || !Array.isArray(request.device_ids)) return null;
  return request.device_ids.every(isString) ? (request as unknown as PresenceReadRequest) : null;
}
