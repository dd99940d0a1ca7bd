import type { JsMsg } from 'nats';
import { LeaderConsumer } from './leader-consumer';
import type { MessageGroup } from './keyed-batches';
import { Leadership, type Lease } from './leadership/leadership';
import type { NatsConnectionService } from './nats-connection.service';

/** One holder at a time; `lost()` makes the next renewal fail, as when another replica took over. */
class FakeLease implements Lease {
  held = false;
  readonly ttlMs = 500;
  async tryAcquire(): Promise<boolean> {
    if (this.held) return false;
    this.held = true;
    return true;
  }
  async renew(): Promise<boolean> {
    return this.held;
  }
  async release(): Promise<void> {
    this.held = false;
  }
  lost(): void {
    this.held = false;
  }
}

interface FakeMsg {
  subject: string;
  seq: number;
  settled: string[];
}

/** What the server delivers to one pull: the messages pushed, until it is closed. */
class Delivery implements AsyncIterable<JsMsg> {
  private readonly queue: FakeMsg[] = [];
  private wake?: () => void;
  closed = false;
  push(m: FakeMsg): void {
    this.queue.push(m);
    this.wake?.();
  }
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<JsMsg> {
    for (;;) {
      while (this.queue.length) {
        const m = this.queue.shift()!;
        yield {
          subject: m.subject,
          seq: m.seq,
          info: {},
          ack: () => m.settled.push('ack'),
          nak: () => m.settled.push('nak'),
          working: () => m.settled.push('working'),
          term: () => m.settled.push('term'),
        } as unknown as JsMsg;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** NATS as the consumer uses it: the durable exists, every pull gets a Delivery of its own. */
function fakeNats(deliveries: Delivery[]): NatsConnectionService {
  return {
    jsm: {
      consumers: {
        info: async () => ({
          config: { ack_wait: 1_000_000_000, max_ack_pending: 10, filter_subject: 'log.>' },
          num_ack_pending: 0,
          num_pending: 0,
          num_redelivered: 0,
          delivered: { last_active: '' },
        }),
      },
      streams: { info: async () => ({ state: { subjects: {} } }) },
    },
    js: {
      consumers: {
        get: async () => ({
          consume: async () => {
            const d = new Delivery();
            deliveries.push(d);
            return d;
          },
        }),
      },
    },
    nc: { subscribe: () => ({ unsubscribe: () => undefined }) },
  } as unknown as NatsConnectionService;
}

const logger = { log: () => undefined, warn: () => undefined, error: () => undefined } as never;
const until = async (condition: () => boolean) => {
  for (const deadline = Date.now() + 10_000; !condition();) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const msg = (key: string, seq: number): FakeMsg => ({ subject: `log.${key}`, seq, settled: [] });

describe('LeaderConsumer across terms', () => {
  let leadership: Leadership;
  let consumer: LeaderConsumer;
  afterEach(async () => {
    await consumer?.stop();
    await leadership?.stop();
  });

  function start(applyBatch: (groups: MessageGroup[]) => Promise<Array<{ applied: number }>>) {
    const lease = new FakeLease();
    const deliveries: Delivery[] = [];
    leadership = new Leadership(lease, { name: 'test', stallLimitMs: 60_000, logger });
    consumer = new LeaderConsumer(fakeNats(deliveries), leadership, {
      stream: 'LOG',
      config: { durable_name: 'test', filter_subject: 'log.>', ack_wait: 1_000_000_000, max_ack_pending: 10 },
      keyOf: (m) => m.subject,
      apply: { batch: applyBatch, maxBatch: 100 },
      maxAttempts: 3,
      logger,
    });
    return { lease, deliveries };
  }

  it('applies what the leader is delivered, each key in log order, and acks only what applied', async () => {
    const applied: string[] = [];
    const { deliveries } = start(async (groups) => {
      for (const g of groups) for (const m of g.messages) applied.push(`${g.key}#${m.seq}`);
      return groups.map((g) => ({ applied: g.messages.length }));
    });
    await consumer.start();
    await leadership.start();
    await until(() => deliveries.length === 1);
    const sent = [msg('a', 1), msg('b', 2), msg('a', 3)];
    for (const m of sent) deliveries[0].push(m);
    await until(() => sent.every((m) => m.settled.includes('ack')));
    expect(applied.filter((x) => x.startsWith('log.a'))).toEqual(['log.a#1', 'log.a#3']);
    expect(sent.map((m) => m.settled)).toEqual([['ack'], ['ack'], ['ack']]);
    expect(consumer.consuming).toBe(true);
  });

  it('hands back (nak) what it holds when its lease is lost, applies none of it, and closes the pull', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const applied: number[] = [];
    let writing = false;
    const { lease, deliveries } = start(async (groups) => {
      writing = true;
      await blocked;
      for (const g of groups) for (const m of g.messages) applied.push(m.seq);
      return groups.map((g) => ({ applied: g.messages.length }));
    });
    await consumer.start();
    await leadership.start();
    await until(() => deliveries.length === 1);
    const inBatch = msg('a', 1);
    deliveries[0].push(inBatch);
    await until(() => writing);
    // A later message of another key arrives while the batch is being written.
    const waiting = msg('b', 2);
    deliveries[0].push(waiting);

    lease.lost();
    await until(() => !leadership.isLeader);
    release();
    await until(() => waiting.settled.length > 0 && deliveries[0].closed);
    expect(waiting.settled).toEqual(['nak']);
    expect(applied).not.toContain(2);
    expect(consumer.consuming).toBe(false);
  });

  it('starts a new pull in the next term and applies what it is delivered there', async () => {
    const applied: number[] = [];
    const { lease, deliveries } = start(async (groups) => {
      for (const g of groups) for (const m of g.messages) applied.push(m.seq);
      return groups.map((g) => ({ applied: g.messages.length }));
    });
    await consumer.start();
    await leadership.start();
    await until(() => deliveries.length === 1);
    lease.lost();
    await until(() => deliveries[0].closed);
    // The lease is free again: this replica wins it back on a later tick.
    await until(() => deliveries.length === 2);
    const next = msg('a', 7);
    deliveries[1].push(next);
    await until(() => next.settled.includes('ack'));
    expect(applied).toEqual([7]);
    expect(leadership.term).toBe(2);
  });
});
