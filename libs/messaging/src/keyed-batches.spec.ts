import { MongoNetworkError } from 'mongodb';
import type { JsMsg } from 'nats';
import { KeyedBatches, type ApplyBatch, type MessageGroup } from './keyed-batches';
import { PoisonMessageError } from '@cobrowse/resilience';

interface FakeMsg {
  seq: number;
  settled: string[];
  ack(): void;
  nak(): void;
  working(): void;
}

const message = (seq: number): FakeMsg => {
  const m: FakeMsg = {
    seq,
    settled: [],
    ack: () => m.settled.push('ack'),
    nak: () => m.settled.push('nak'),
    working: () => m.settled.push('working'),
  };
  return m;
};

const silent = { warn: () => undefined, error: () => undefined };

/** Runs KeyedBatches until `done` says so, with the messages added up front. */
async function runUntil(
  input: Array<[key: string, m: FakeMsg]>,
  applyBatch: ApplyBatch,
  done: () => boolean,
  options: { maxBatch?: number } = {},
) {
  const parked: Array<{ seq: number; attempts: number }> = [];
  const batches = new KeyedBatches({
    applyBatch,
    maxBatch: options.maxBatch ?? 100,
    maxAttempts: 3,
    park: async (m, _reason, attempts) => {
      parked.push({ seq: m.seq, attempts });
    },
    logger: silent,
    context: {},
  });
  for (const [key, m] of input) batches.add(key, m as unknown as JsMsg);
  const deadline = Date.now() + 10_000;
  await batches.run(() => !done() && Date.now() < deadline);
  return { parked, batches };
}

const seqs = (g: MessageGroup) => g.messages.map((m) => m.seq);

describe('KeyedBatches', () => {
  it('groups what is waiting by key, in log order, and acks what applied', async () => {
    const input: Array<[string, FakeMsg]> = [
      ['a', message(1)],
      ['b', message(2)],
      ['a', message(3)],
    ];
    const seen: number[][][] = [];
    await runUntil(
      input,
      async (groups) => {
        seen.push(groups.map(seqs));
        return groups.map((g) => ({ applied: g.messages.length }));
      },
      () => input.every(([, m]) => m.settled.includes('ack')),
    );
    expect(seen[0]).toEqual([[1, 3], [2]]);
  });

  it('parks a poison message at once and goes on with the rest of its key', async () => {
    const input: Array<[string, FakeMsg]> = [
      ['a', message(1)],
      ['a', message(2)],
      ['b', message(3)],
    ];
    const { parked } = await runUntil(
      input,
      async (groups) =>
        groups.map((g) =>
          g.messages[0].seq === 1
            ? { applied: 0, failure: new PoisonMessageError('bad') }
            : { applied: g.messages.length },
        ),
      () => input[1][1].settled.includes('ack'),
    );
    expect(parked).toEqual([{ seq: 1, attempts: 1 }]);
    expect(input[1][1].settled).toContain('ack');
    expect(input[2][1].settled).toContain('ack');
  });

  it('retries a refused message, its key waiting behind it while other keys go on, and parks it after maxAttempts', async () => {
    const input: Array<[string, FakeMsg]> = [
      ['a', message(1)],
      ['a', message(2)],
      ['b', message(3)],
    ];
    const order: number[] = [];
    const { parked } = await runUntil(
      input,
      async (groups) =>
        groups.map((g) => {
          order.push(...seqs(g));
          return g.messages[0].seq === 1
            ? { applied: 0, failure: new Error('refused') }
            : { applied: g.messages.length };
        }),
      () => input[1][1].settled.includes('ack'),
    );
    expect(parked).toEqual([{ seq: 1, attempts: 3 }]);
    // b applied in the first batch; 2 never before 1 was settled.
    expect(order.indexOf(3)).toBeLessThan(order.lastIndexOf(1));
    expect(order.indexOf(2)).toBeGreaterThan(-1);
    expect(input[0][1].settled).not.toContain('ack');
    expect(input[1][1].settled).toContain('working');
  });

  it('waits an outage out without counting it', async () => {
    const input: Array<[string, FakeMsg]> = [['a', message(1)]];
    let calls = 0;
    const { parked } = await runUntil(
      input,
      async (groups) => {
        calls++;
        if (calls < 5) throw new MongoNetworkError('down');
        return groups.map((g) => ({ applied: g.messages.length }));
      },
      () => input[0][1].settled.includes('ack'),
    );
    expect(parked).toEqual([]);
    expect(calls).toBe(5);
  });

  it('takes at most maxBatch messages at once and hands back what it holds when it stops', async () => {
    const input: Array<[string, FakeMsg]> = Array.from({ length: 5 }, (_, i) => [`k${i}`, message(i)]);
    const sizes: number[] = [];
    let batches = 0;
    await runUntil(
      input,
      async (groups) => {
        batches++;
        sizes.push(groups.reduce((n, g) => n + g.messages.length, 0));
        return groups.map((g) => ({ applied: g.messages.length }));
      },
      () => batches >= 1,
      { maxBatch: 2 },
    );
    expect(sizes).toEqual([2]);
    expect(input.slice(2).every(([, m]) => m.settled.includes('nak'))).toBe(true);
  });
});
