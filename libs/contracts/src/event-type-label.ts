import { CONNECTION_EVENT_TYPES } from './connection-events';
import { SESSION_EVENT_TYPES } from './events';

const KNOWN_TYPES: ReadonlySet<string> = new Set([...SESSION_EVENT_TYPES, ...CONNECTION_EVENT_TYPES]);

/** An event type fit for a metric label: a known type, else `invalid` (clients must not mint label values). */
export function eventTypeLabel(type: unknown): string {
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? type : 'invalid';
}
