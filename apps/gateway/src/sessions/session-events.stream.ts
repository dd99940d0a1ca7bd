import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import {
  parseSessionEvent,
  SessionErrorCode,
  SessionException,
  sessionHistorySubject,
} from '@cobrowse/contracts';
import { EventLog, type StoredEvent } from '@cobrowse/messaging';
import { writeDrained } from '../http/write-drained';

/**
 * `GET /v1/sessions/{id}/events`: the session's events straight from the log, streamed as
 * `{"data": [...]}` a batch at a time, so a session with any number of events costs constant
 * memory and no reply between services.
 */
@Injectable()
export class SessionEventsStream {
  constructor(private readonly log: EventLog) {}

  /** Whether the log holds any event of the session: the truth while the read models catch up. */
  async exists(tenant: string, sessionId: string): Promise<boolean> {
    return (await this.log.sessionStart(tenant, sessionId)) !== null;
  }

  async write(response: Response, tenant: string, sessionId: string): Promise<void> {
    const subject = sessionHistorySubject(tenant, sessionId);
    let batch = await this.log.read(subject, 1);
    if (!batch.events.length)
      throw new SessionException(SessionErrorCode.SessionNotFound, `session ${sessionId} not found`);
    response.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
    let first = true;
    for (;;) {
      for (const event of batch.events) {
        const text = envelopeText(event, tenant, sessionId);
        if (text === null) continue;
        await writeDrained(response, (first ? '{"data":[' : ',') + text);
        first = false;
      }
      if (batch.pending <= 0 || response.destroyed) break;
      batch = await this.log.read(subject, batch.events[batch.events.length - 1].seq + 1);
    }
    response.end(first ? '{"data":[]}' : ']}');
  }
}

/** The logged envelope as JSON text, or null for a message on the subject that is not one of this session's events. */
function envelopeText(event: StoredEvent, tenant: string, sessionId: string): string | null {
  const text = Buffer.from(event.data).toString('utf8');
  const parsed = parseSessionEvent(text);
  return 'event' in parsed && parsed.event.tenant === tenant && parsed.event.session_id === sessionId
    ? text
    : null;
}
