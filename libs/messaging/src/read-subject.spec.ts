import type { NatsConnection } from 'nats';
import { EventLogUnavailableError, readBatch } from './read-subject';

/** A connection whose direct-get replies are the given messages, then the iterator ends. */
type Reply = { data: Uint8Array; headers?: { code?: number; [name: string]: string | number | undefined } };

function replying(messages: Reply[]) {
  return {
    requestMany: async () =>
      (async function* () {
        for (const m of messages)
          yield {
            data: m.data,
            headers: m.headers && {
              code: m.headers.code ?? 0,
              description: '',
              get: (name: string) => String(m.headers?.[name] ?? ''),
            },
          };
      })(),
  } as unknown as NatsConnection;
}

const event = (seq: number) => ({
  data: Buffer.from('{}'),
  headers: { 'Nats-Sequence': String(seq), 'Nats-Subject': 's' },
});

describe('readBatch', () => {
  it('reads a batch up to its end-of-batch marker', async () => {
    const nc = replying([
      event(3),
      event(7),
      { data: new Uint8Array(), headers: { code: 204, 'Nats-Num-Pending': '2' } },
    ]);
    const batch = await readBatch(nc, 'S', 's', 1);
    expect(batch.events.map((e) => e.seq)).toEqual([3, 7]);
    expect(batch.pending).toBe(2);
  });

  it('answers "no events" only when the log says so (404)', async () => {
    const nc = replying([{ data: new Uint8Array(), headers: { code: 404 } }]);
    expect(await readBatch(nc, 'S', 's', 1)).toEqual({ events: [], pending: 0 });
  });

  it('refuses to read silence (no marker before the wait ran out) as "no events"', async () => {
    await expect(readBatch(replying([]), 'S', 's', 1)).rejects.toBeInstanceOf(EventLogUnavailableError);
    await expect(readBatch(replying([event(1)]), 'S', 's', 1)).rejects.toBeInstanceOf(
      EventLogUnavailableError,
    );
  });

  it('turns a failed request into EventLogUnavailableError (503)', async () => {
    const nc = {
      requestMany: async () => Promise.reject(new Error('no responders')),
    } as unknown as NatsConnection;
    const error = await readBatch(nc, 'S', 's', 1).catch((e: EventLogUnavailableError) => e);
    expect(error).toBeInstanceOf(EventLogUnavailableError);
    expect((error as EventLogUnavailableError).statusCode).toBe(503);
  });
});
