import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import {
  EVENTS_STREAM,
  SessionErrorCode,
  SessionException,
  sessionHistorySubject,
} from '@cobrowse/contracts';
import { NatsConnectionService, readBatch, type StoredEvent } from '@cobrowse/messaging';
import { writeDrained } from '../http/write-drained';

/**
 * `GET /v1/sessions/{id}/events`: the session's events straight from the log, streamed as
 * `{"data": [...]}` a batch at a time, so a session with any number of events costs constant
 * memory and no reply between services.
 */
@Injectable()
export class SessionEventsStream {
  constructor(private readonly nats: NatsConnectionService) {}

  /** Whether the log holds any event of the session: the truth while the read models catch up. */
  async exists(tenant: string, sessionId: string): Promise<boolean> {
    const batch = await readBatch(this.nats.nc, EVENTS_STREAM, sessionHistorySubject(tenant, sessionId), 1);
    return batch.events.length > 0;
  }

  async write(response: Response, tenant: string, sessionId: string): Promise<void> {
    const subject = sessionHistorySubject(tenant, sessionId);
    let batch = await readBatch(this.nats.nc, EVENTS_STREAM, subject, 1);
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
      batch = await readBatch(
        this.nats.nc,
        EVENTS_STREAM,
        subject,
        batch.events[batch.events.length - 1].seq + 1,
      );
    }
    response.end(first ? '{"data":[]}' : ']}');
  }
}

/** The logged envelope as JSON text, or null for a message on the subject that is not one of this session's events. */
function envelopeText(event: StoredEvent, tenant: string, sessionId: string): string | null {
  const text = Buffer.from(event.data).toString('utf8');
  try {
    const value = JSON.parse(text) as { tenant?: unknown; session_id?: unknown };
    return value?.tenant === tenant && value.session_id === sessionId ? text : null;
  } catch {
    return null;
  }
}
