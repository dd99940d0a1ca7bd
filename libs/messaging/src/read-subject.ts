import { RequestStrategy, type NatsConnection } from 'nats';

export interface StoredEvent {
  seq: number;
  subject: string;
  data: Uint8Array;
}

const BATCH = 256;

/**
 * Every message of a stream on one subject filter, in log order, through batched direct
 * gets: no consumer is created, so a cold session loads in one or two round trips.
 */
export async function readSubject(
  nc: NatsConnection,
  stream: string,
  filter: string,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let next = 1;
  for (;;) {
    const replies = await nc.requestMany(
      `$JS.API.DIRECT.GET.${stream}`,
      JSON.stringify({ seq: next, next_by_subj: filter, batch: BATCH }),
      { strategy: RequestStrategy.SentinelMsg, maxWait: 10_000 },
    );
    let pending = 0;
    let received = 0;
    for await (const m of replies) {
      if (m.data.length === 0) {
        const code = m.headers?.code ?? 0;
        if (code === 404) return events;
        if (code !== 204) throw new Error(`direct get failed: ${code} ${m.headers?.description ?? ''}`);
        pending = Number(m.headers?.get('Nats-Num-Pending') || 0);
        break;
      }
      const seq = Number(m.headers?.get('Nats-Sequence'));
      events.push({ seq, subject: m.headers?.get('Nats-Subject') ?? '', data: m.data });
      next = seq + 1;
      received++;
    }
    if (pending <= 0 || received === 0) return events;
  }
}
