import type { NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { readSubject } from '@cobrowse/messaging';

export interface LoggedEvent {
  seq: number;
  subject: string;
  envelope: Record<string, any>;
}

/** Everything in the event log (or a tenant's copy of it) on a subject filter, in log order. */
export async function readEventLog(
  nc: NatsConnection,
  filter = 'cobrowse.>',
  stream: string = EVENTS_STREAM,
): Promise<LoggedEvent[]> {
  const stored = await readSubject(nc, stream, filter);
  return stored.map((m) => ({
    seq: m.seq,
    subject: m.subject,
    envelope: JSON.parse(Buffer.from(m.data).toString('utf8')),
  }));
}
