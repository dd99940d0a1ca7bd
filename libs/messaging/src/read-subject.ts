import { RequestStrategy, type NatsConnection } from 'nats';

export interface StoredEvent {
  seq: number;
  subject: string;
  data: Uint8Array;
}

const BATCH = 256;

/**
 * Up to `batch` messages of a stream on a subject filter from `fromSeq` on, in log order, by
 * batched direct get: stateless (no consumer is created) and exact. `pending` is how many
 * matching messages follow the batch.
 */
export async function readBatch(
  nc: NatsConnection,
  stream: string,
  filter: string,
  fromSeq: number,
  batch = BATCH,
): Promise<{ events: StoredEvent[]; pending: number }> {
  const replies = await nc.requestMany(
    `$JS.API.DIRECT.GET.${stream}`,
    JSON.stringify({ seq: fromSeq, next_by_subj: filter, batch }),
    { strategy: RequestStrategy.SentinelMsg, maxWait: 10_000 },
  );
  const events: StoredEvent[] = [];
  for await (const m of replies) {
    if (m.data.length === 0) {
      const code = m.headers?.code ?? 0;
      if (code === 404) return { events, pending: 0 };
      if (code !== 204) throw new Error(`direct get failed: ${code} ${m.headers?.description ?? ''}`);
      return { events, pending: Number(m.headers?.get('Nats-Num-Pending') || 0) };
    }
    const seq = Number(m.headers?.get('Nats-Sequence'));
    events.push({ seq, subject: m.headers?.get('Nats-Subject') ?? '', data: m.data });
  }
  return { events, pending: 0 };
}

/** Every message of a stream on one subject filter, in log order (a session's history). */
export async function readSubject(
  nc: NatsConnection,
  stream: string,
  filter: string,
): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let next = 1;
  for (;;) {
    const { events, pending } = await readBatch(nc, stream, filter, next);
    all.push(...events);
    if (pending <= 0 || events.length === 0) return all;
    next = events[events.length - 1].seq + 1;
  }
}
