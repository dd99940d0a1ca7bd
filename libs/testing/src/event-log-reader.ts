import type { NatsConnection } from 'nats';

export interface LoggedEvent {
  seq: number;
  subject: string;
  envelope: Record<string, any>;
}

/** Everything in the event log on a subject filter, in log order, read with an ordered consumer. */
export async function readEventLog(nc: NatsConnection, filter = 'cobrowse.>'): Promise<LoggedEvent[]> {
  const consumer = await nc.jetstream().consumers.get('COBROWSE_EVENTS', { filterSubjects: [filter] });
  const events: LoggedEvent[] = [];
  const batch = async () => {
    const messages = await consumer.fetch({ max_messages: 1000, expires: 1000 });
    let got = 0;
    for await (const m of messages) {
      events.push({ seq: m.seq, subject: m.subject, envelope: m.json() });
      got++;
      if (m.info.pending === 0) return 0;
    }
    return got;
  };
  while ((await batch()) > 0) {
    /* keep reading until the consumer has nothing pending */
  }
  return events;
}
