import { isSessionEventType, type AnySessionEvent } from '@cobrowse/contracts';

/** The envelope of a logged message, or the reason it is not one. */
export function parseLoggedEvent(data: Uint8Array): { event: AnySessionEvent } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return { reason: 'not JSON' };
  }
  const e = value as Partial<AnySessionEvent>;
  if (typeof value !== 'object' || value === null) return { reason: 'not a JSON object' };
  if (!isSessionEventType(e.type)) return { reason: `unknown type ${String(e.type)}` };
  if (typeof e.tenant !== 'string' || typeof e.session_id !== 'string' || typeof e.event_id !== 'string') {
    return { reason: 'missing tenant, session_id or event_id' };
  }
  if (!Number.isInteger(e.version) || (e.version as number) < 1) return { reason: 'bad version' };
  if (typeof e.occurred_at !== 'number' || typeof e.recorded_at !== 'number')
    return { reason: 'bad timestamps' };
  if (typeof e.data !== 'object' || e.data === null) return { reason: 'missing data' };
  return { event: value as AnySessionEvent };
}
