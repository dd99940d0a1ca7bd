import { randomUUID } from 'node:crypto';
import {
  parseTimestamp,
  type JsonObject,
  type ReportedSessionEvent,
  type SessionEventType,
} from '@cobrowse/contracts';
import type { ReportedEventFieldsDto } from './dto/reported-event-fields.dto';
import { uuidV5 } from './uuid-v5';

/** Namespace for session ids derived from a relay's event_id. */
const SESSION_ID_NAMESPACE = '0b9f5b52-3c1e-4b5e-9d3f-6a4f8f2d9c11';

/** Turns an ingest body into the fact the lifecycle decides on; the rest of the body is `data`. */
export function toReportedEvent(
  type: SessionEventType,
  sessionId: string,
  body: ReportedEventFieldsDto,
  now = Date.now(),
): ReportedSessionEvent {
  const { event_id, occurred_at, ...rest } = body as ReportedEventFieldsDto & JsonObject;
  delete rest.session_id;
  return {
    event_id: event_id ?? randomUUID(),
    type,
    session_id: sessionId,
    occurred_at: occurred_at === undefined ? now : parseTimestamp(occurred_at)!,
    data: JSON.parse(JSON.stringify(rest)) as JsonObject,
  };
}

/** A new session's id: the relay's, else derived from its event_id (retries agree), else random. */
export function newSessionId(tenant: string, body: { session_id?: string; event_id?: string }): string {
  if (body.session_id) return body.session_id.toLowerCase();
  if (body.event_id) return uuidV5(`${tenant}/${body.event_id}`, SESSION_ID_NAMESPACE);
  return randomUUID();
}
