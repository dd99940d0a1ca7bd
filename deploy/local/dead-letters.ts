import { connect } from 'nats';
import {
  DEAD_LETTER_STREAM,
  deadLetterSubject,
  DEAD_LETTER_WILDCARD,
  RPC,
  type ReplayDeadLetterReply,
} from '@cobrowse/contracts';
import { DEAD_LETTER_HEADERS, readBatch, type StoredEvent } from '@cobrowse/messaging';

const USAGE = 'usage: npm run dead-letters -- list|replay [--consumer history-projector|connection-tracker]';

/** Lists parked events with their reasons, or replays them through the consumer that parked them. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const consumerAt = rest.indexOf('--consumer');
  const consumer = consumerAt >= 0 ? rest[consumerAt + 1] : undefined;
  if ((command !== 'list' && command !== 'replay') || (consumerAt >= 0 && !consumer)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const nc = await connect({
    servers: (process.env.NATS_URL ?? '').split(','),
    name: 'dead-letters',
    // The services identity: dead letters and the replay subjects are internal.
    ...(process.env.NATS_USER ? { user: process.env.NATS_USER, pass: process.env.NATS_PASSWORD ?? '' } : {}),
  });
  try {
    const parked = await readAll(nc, consumer ? deadLetterSubject(consumer) : DEAD_LETTER_WILDCARD);
    if (command === 'list') {
      for (const p of parked) process.stdout.write(`${describe(p)}\n`);
      process.stdout.write(`${parked.length} parked\n`);
      return 0;
    }
    let replayed = 0;
    let gone = 0;
    for (const p of parked) {
      const owner = p.headers?.get(DEAD_LETTER_HEADERS.consumer) ?? '';
      let reply: ReplayDeadLetterReply;
      try {
        reply = (
          await nc.request(RPC.replayDeadLetter(owner), JSON.stringify({ dead_letter_seq: p.seq }), {
            timeout: 60_000,
          })
        ).json<ReplayDeadLetterReply>();
      } catch {
        reply = { status: 'still-failing', reason: `no ${owner} replica is consuming` };
      }
      if (reply.status === 'replayed') replayed++;
      if (reply.status === 'gone') gone++;
      process.stdout.write(`${p.seq} ${owner}: ${reply.status}${reply.reason ? ` (${reply.reason})` : ''}\n`);
    }
    process.stdout.write(
      `${replayed} of ${parked.length} replayed${gone ? `, ${gone} removed (no longer in the log)` : ''}\n`,
    );
    return replayed + gone === parked.length ? 0 : 1;
  } finally {
    await nc.close();
  }
}

async function readAll(nc: Awaited<ReturnType<typeof connect>>, filter: string): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (let next = 1; ;) {
    const { events, pending } = await readBatch(nc, DEAD_LETTER_STREAM, filter, next);
    all.push(...events);
    if (pending <= 0 || !events.length) return all;
    next = events[events.length - 1].seq + 1;
  }
}

function describe(p: StoredEvent): string {
  const h = (name: string) => p.headers?.get(name) ?? '';
  return [
    p.seq,
    h(DEAD_LETTER_HEADERS.consumer),
    `attempts=${h(DEAD_LETTER_HEADERS.attempts)}`,
    `${h(DEAD_LETTER_HEADERS.subject)}#${h(DEAD_LETTER_HEADERS.sequence)}`,
    h(DEAD_LETTER_HEADERS.reason),
  ].join(' ');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`dead-letters: ${e.message}\n`);
    process.exit(1);
  },
);
