import { MongoNetworkError } from 'mongodb';
import type { JsMsg } from 'nats';
import { PoisonMessageError } from '@cobrowse/resilience';
import { EventLogUnavailableError } from './read-subject';
import { settleMessage, type SettleOptions } from './settle-message';

function message() {
  const calls: string[] = [];
  const m = {
    ack: () => calls.push('ack'),
    nak: () => calls.push('nak'),
    working: () => calls.push('working'),
  } as unknown as JsMsg;
  return { m, calls };
}

function options(overrides: Partial<SettleOptions> = {}) {
  const parked: Array<[string, number]> = [];
  const opts: SettleOptions = {
    maxAttempts: 3,
    active: () => true,
    park: async (reason, attempts) => void parked.push([reason, attempts]),
    logger: { warn: () => undefined, error: () => undefined },
    context: {},
    ...overrides,
  };
  return { opts, parked };
}

const refused = () => Object.assign(new Error('document rejected'), { name: 'MongoServerError', code: 2 });
const down = () => new MongoNetworkError('connection closed');

describe('settleMessage', () => {
  jest.setTimeout(20_000);

  it('acks once applied', async () => {
    const { m, calls } = message();
    await settleMessage(m, async () => undefined, options().opts);
    expect(calls).toEqual(['ack']);
  });

  it('parks after maxAttempts refusals, not before', async () => {
    const { m, calls } = message();
    const { opts, parked } = options();
    let tries = 0;
    await settleMessage(
      m,
      async () => {
        tries++;
        throw refused();
      },
      opts,
    );
    expect(tries).toBe(3);
    expect(parked).toEqual([['document rejected', 3]]);
    expect(calls).not.toContain('ack');
  });

  it('parks poison at once', async () => {
    const { m } = message();
    const { opts, parked } = options();
    await settleMessage(
      m,
      async () => {
        throw new PoisonMessageError('not JSON');
      },
      opts,
    );
    expect(parked).toEqual([['not JSON', 1]]);
  });

  it('waits out an outage without counting it, then applies', async () => {
    const { m, calls } = message();
    const { opts, parked } = options({ maxAttempts: 1 });
    let tries = 0;
    await settleMessage(
      m,
      async () => {
        if (++tries < 4) throw down();
      },
      opts,
    );
    expect(parked).toEqual([]);
    expect(calls).toEqual(['working', 'working', 'working', 'ack']);
  });

  it('applies nothing and hands the message back once this replica stopped leading (fenced)', async () => {
    const { m, calls } = message();
    let applied = 0;
    await settleMessage(m, async () => void applied++, options({ active: () => false }).opts);
    expect(applied).toBe(0);
    expect(calls).toEqual(['nak']);
  });

  it('hands the message back when this replica stops leading while the database is down', async () => {
    const { m, calls } = message();
    let leading = true;
    await settleMessage(
      m,
      async () => {
        leading = false;
        throw down();
      },
      options({ active: () => leading }).opts,
    );
    expect(calls).toEqual(['working', 'nak']);
  });

  it('waits out the event log being unreachable too', async () => {
    const { m, calls } = message();
    const { opts, parked } = options({ maxAttempts: 1 });
    let tries = 0;
    const unreachable = new EventLogUnavailableError('no answer');
    await settleMessage(
      m,
      async () => {
        if (++tries < 2) throw unreachable;
      },
      opts,
    );
    expect(parked).toEqual([]);
    expect(calls).toEqual(['working', 'ack']);
  });
});
