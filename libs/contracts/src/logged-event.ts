import { isConnectionEventType, type ConnectionEnvelope } from './connection-events';
import { isSessionEventType, type AnySessionEvent } from './events';

/** What a message of the event log holds: a session event or a connection fact. */
export type LoggedEvent = AnySessionEvent | ConnectionEnvelope;

/** A logged message's envelope, or why it is not one this version can apply. */
export type ParsedEnvelope<E = LoggedEvent> = { event: E } | { reason: string };

/**
 * The one reading of a logged message (SPEC section 3's envelope): every consumer, history
 * read and replay parses the log with it, so they agree on what is an event and what is
 * poison. The fields checked are the ones every version has written.
 */
export function parseEnvelope(data: Uint8Array | string): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return { reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { reason: 'not a JSON object' };
  const e = value as Record<string, unknown>;
  const session = isSessionEventType(e.type);
  if (!session && !isConnectionEventType(e.type)) return { reason: `unknown type ${String(e.type)}` };
  if (typeof e.tenant !== 'string' || typeof e.event_id !== 'string')
    return { reason: 'missing tenant or event_id' };
  if (typeof e.occurred_at !== 'number' || typeof e.recorded_at !== 'number')
    return { reason: 'bad timestamps' };
  if (typeof e.data !== 'object' || e.data === null) return { reason: 'missing data' };
  if (session) {
    if (typeof e.session_id !== 'string') return { reason: 'missing session_id' };
    if (!Number.isInteger(e.version) || (e.version as number) < 1) return { reason: 'bad version' };
  } else if (typeof e.device_id !== 'string') return { reason: 'missing device_id' };
  return { event: value as LoggedEvent };
}

export function isSessionEvent(event: LoggedEvent): event is AnySessionEvent {
  return isSessionEventType(event.type);
}

/** A logged session event's envelope; a connection fact here is as wrong as any other message. */
export function parseSessionEvent(data: Uint8Array | string): ParsedEnvelope<AnySessionEvent> {
  const parsed = parseEnvelope(data);
  if ('reason' in parsed) return parsed;
  return isSessionEvent(parsed.event)
    ? { event: parsed.event }
    : { reason: `not a session event (${parsed.event.type})` };
}
