import type { NatsConnection } from 'nats';
import { readSubject } from '@cobrowse/messaging';

export interface LoggedEvent {
  seq: number;
  subject: string;
  envelope: Record<string, any>;
}

/** Everything in the event log on a subject filter, in log order. */
export async function readEventLog(nc: NatsConnection, filter = 'cobrowse.>'): Promise<LoggedEvent[]> {
  const stored = await readSubject(nc, 'COBROWSE_EVENTS', filter);
  return stored.map((m) => ({
    seq: m.seq,
    subject: m.subject,
    envelope: JSON.parse(Buffer.from(m.data).toString('utf8')),
  }));
}
