import { randomUUID } from 'node:crypto';
import {
  EVENT_ID_PATTERN,
  isConnectionEventType,
  isPlainObject,
  isSessionEventType,
  validateConnectionData,
  type ReportedConnectionEvent,
  parseTimestamp,
  quote,
  RequestErrorCode,
  RequestException,
  SessionErrorCode,
  SessionException,
  TIMESTAMP_MESSAGE,
  validateEventData,
  type ErrorBody,
  type FieldIssue,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { MAX_FUTURE_SKEW_MS } from '@cobrowse/session-domain';
import { newSessionId } from './reported-event.factory';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ParsedBatchItem =
  | { ok: true; kind: 'session'; event: ReportedSessionEvent }
  | { ok: true; kind: 'connection'; event: ReportedConnectionEvent }
  | { ok: false; event_id: string; session_id?: string; error: ErrorBody };

function invalid(eventId: string, issues: FieldIssue[], sessionId?: string): ParsedBatchItem {
  return {
    ok: false,
    event_id: eventId,
    session_id: sessionId,
    error: new RequestException(
      RequestErrorCode.ValidationFailed,
      `${issues[0].field}: ${issues[0].message}`,
      issues,
    ).toBody(),
  };
}

/** SPEC section 3 and 9: every event type, connection facts included, may be at most 5 minutes ahead. */
function inFuture(eventId: string, occurredAt: number, now: number, sessionId?: string): ParsedBatchItem {
  return {
    ok: false,
    event_id: eventId,
    session_id: sessionId,
    error: new SessionException(
      SessionErrorCode.OccurredAtInFuture,
      `occurred_at ${new Date(occurredAt).toISOString()} is more than 5 minutes in the future`,
    ).toBody(),
  };
}

/** Validates one batch item on its own, so a bad item rejects only itself. */
export function parseBatchItem(tenant: string, item: unknown, now = Date.now()): ParsedBatchItem {
  if (!isPlainObject(item)) return invalid('', [{ field: '(event)', message: 'must be a JSON object' }]);
  const issues: FieldIssue[] = [];
  const rawId = item.event_id;
  if (rawId !== undefined && (typeof rawId !== 'string' || !EVENT_ID_PATTERN.test(rawId))) {
    issues.push({ field: 'event_id', message: 'must be 1..128 printable ASCII characters without spaces' });
  }
  const eventId = typeof rawId === 'string' && EVENT_ID_PATTERN.test(rawId) ? rawId : randomUUID();

  const type = item.type;
  let occurredAt = now;
  if (item.occurred_at !== undefined) {
    const parsed = parseTimestamp(item.occurred_at);
    if (parsed === null) issues.push({ field: 'occurred_at', message: TIMESTAMP_MESSAGE });
    else occurredAt = parsed;
  }

  if (isConnectionEventType(type)) {
    const data = validateConnectionData(type, item.data);
    issues.push(...data.issues);
    if (issues.length || !data.data) return invalid(eventId, issues);
    if (occurredAt > now + MAX_FUTURE_SKEW_MS) return inFuture(eventId, occurredAt, now);
    return {
      ok: true,
      kind: 'connection',
      event: {
        event_id: eventId,
        type,
        device_id: data.data.device_id as string,
        occurred_at: occurredAt,
        data: data.data,
      },
    };
  }
  if (!isSessionEventType(type)) {
    return invalid(eventId, [...issues, { field: 'type', message: `unknown event type ${quote(type)}` }]);
  }

  let sessionId: string | undefined;
  if (item.session_id === undefined && type === 'session.created') {
    sessionId = newSessionId(tenant, { event_id: typeof rawId === 'string' ? rawId : undefined });
  } else if (typeof item.session_id === 'string' && UUID.test(item.session_id)) {
    sessionId = item.session_id.toLowerCase();
  } else {
    issues.push({ field: 'session_id', message: 'must be a UUID' });
  }

  const data = validateEventData(type, item.data);
  issues.push(...data.issues);
  if (issues.length || !data.data || !sessionId) return invalid(eventId, issues, sessionId);
  return {
    ok: true,
    kind: 'session',
    event: { event_id: eventId, type, session_id: sessionId, occurred_at: occurredAt, data: data.data },
  };
}
