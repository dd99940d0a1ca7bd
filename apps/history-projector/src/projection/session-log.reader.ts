import { Injectable } from '@nestjs/common';
import { EVENTS_STREAM, sessionHistorySubject, type AnySessionEvent } from '@cobrowse/contracts';
import { NatsConnectionService, readSubject } from '@cobrowse/messaging';
import { parseLoggedEvent } from './parse-event';

/** A session's events straight from the log, for filling a gap without waiting for redelivery. */
@Injectable()
export class SessionLogReader {
  constructor(private readonly nats: NatsConnectionService) {}

  async read(tenant: string, sessionId: string): Promise<AnySessionEvent[]> {
    const stored = await readSubject(this.nats.nc, EVENTS_STREAM, sessionHistorySubject(tenant, sessionId));
    return stored.flatMap((m) => {
      const parsed = parseLoggedEvent(m.data);
      return 'event' in parsed ? [parsed.event] : [];
    });
  }
}
