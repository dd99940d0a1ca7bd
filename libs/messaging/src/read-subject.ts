import { RequestStrategy, type Msg, type MsgHdrs, type NatsConnection } from 'nats';
import { directGetSubject, RequestErrorCode, RequestException } from '@cobrowse/contracts';

export interface StoredEvent {
  seq: number;
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs;
}

const BATCH = 256;

/**
 * Up to `batch` messages of a stream on a subject filter from `from` on (a sequence, or the
 * first stored at or after a time), in log order, by batched direct get: stateless (no
 * consumer is created) and exact. `pending` is how many matching messages follow the batch.
 * Throws EventLogUnavailableError unless the read completed.
 */
export async function readBatch(
  nc: NatsConnection,
  stream: string,
  filter: string,
  from: number | Date,
  batch = BATCH,
): Promise<{ events: StoredEvent[]; pending: number }> {
  let replies: AsyncIterable<Msg>;
  const start = typeof from === 'number' ? { seq: from } : { start_time: from.toISOString() };
  try {
    replies = await nc.requestMany(
      directGetSubject(stream),
      JSON.stringify({ ...start, next_by_subj: filter, batch }),
      { strategy: RequestStrategy.SentinelMsg, maxWait: 10_000 },
    );
  } catch (e) {
    throw new EventLogUnavailableError(`the event log could not be read: ${(e as Error).message}`);
  }
  const events: StoredEvent[] = [];
  for await (const m of replies) {
    if (m.data.length === 0) {
      const code = m.headers?.code ?? 0;
      if (code === 404) return { events, pending: 0 };
      if (code !== 204)
        throw new EventLogUnavailableError(`direct get failed: ${code} ${m.headers?.description ?? ''}`);
      return { events, pending: Number(m.headers?.get('Nats-Num-Pending') || 0) };
    }
    const seq = Number(m.headers?.get('Nats-Sequence'));
    events.push({ seq, subject: m.headers?.get('Nats-Subject') ?? '', data: m.data, headers: m.headers });
  }
  // No end-of-batch marker: the server did not answer in time (a restart, say). That is not
  // "no events": callers must not decide anything on a partial or empty read.
  throw new EventLogUnavailableError(`the event log did not finish answering a read of ${filter}`);
}

/** A read of the log that could not be completed (503 to a client); never read it as "no events". */
export class EventLogUnavailableError extends RequestException {
  constructor(message: string) {
    super(RequestErrorCode.ServiceUnavailable, message);
  }
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
