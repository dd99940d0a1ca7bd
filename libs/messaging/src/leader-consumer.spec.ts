import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from 'nats';
import { ensureDurableConsumer, previousTermHeldUntil } from './leader-consumer';

const ACK_WAIT_NS = 10_000_000_000;
const info = (lastActive?: string) =>
  ({ delivered: { last_active: lastActive }, config: { ack_wait: ACK_WAIT_NS } }) as unknown as Pick<
    ConsumerInfo,
    'delivered' | 'config'
  >;

describe('previousTermHeldUntil', () => {
  const start = Date.parse('2026-12-06T05:00:00.000Z');

  it('waits out the ack wait of the last delivery, with a margin', () => {
    const last = new Date(start - 4_000).toISOString();
    expect(previousTermHeldUntil(info(last), start)).toBe(start - 4_000 + 10_000 + 1_000);
  });

  it('counts from the start of the wait when the server does not say (it restarted)', () => {
    expect(previousTermHeldUntil(info(undefined), start)).toBe(start + 11_000);
    expect(previousTermHeldUntil(info('0001-01-01T00:00:00Z'), start)).toBe(start + 11_000);
  });

  it('never waits past what a previous leader’s last open pull could have been given', () => {
    // Deliveries after the new term began went to someone pulling now, not to the old leader.
    const last = new Date(start + 60_000).toISOString();
    expect(previousTermHeldUntil(info(last), start)).toBe(start + 5_000 + 11_000);
  });
});

describe('ensureDurableConsumer', () => {
  function jsmWith(existing: Partial<ConsumerConfig> | null, updateFails?: Error) {
    const calls: Array<[string, unknown]> = [];
    const jsm = {
      consumers: {
        info: async () => {
          if (!existing) throw new Error('consumer not found');
          return { config: existing };
        },
        update: async (_stream: string, _name: string, change: unknown) => {
          calls.push(['update', change]);
          if (updateFails) throw updateFails;
        },
        add: async (_stream: string, config: unknown) => void calls.push(['add', config]),
      },
    } as unknown as JetStreamManager;
    return { jsm, calls };
  }
  const config = { durable_name: 'tracker', ack_wait: ACK_WAIT_NS, max_ack_pending: 4_000 };

  it('brings an existing consumer’s ack wait and window up to date, changing only what differs', async () => {
    const outdated = jsmWith({ durable_name: 'tracker', ack_wait: ACK_WAIT_NS, max_ack_pending: 1_000 });
    await ensureDurableConsumer(outdated.jsm, 'EVENTS', config);
    expect(outdated.calls).toEqual([['update', { max_ack_pending: 4_000 }]]);

    const current = jsmWith(config);
    await ensureDurableConsumer(current.jsm, 'EVENTS', config);
    expect(current.calls).toEqual([]);
  });

  it('changes an existing consumer’s filter, or clears it to read the whole stream', async () => {
    const filtered = jsmWith({ ...config, filter_subjects: ['a.>', 'b.>'] });
    await ensureDurableConsumer(filtered.jsm, 'EVENTS', config);
    expect(filtered.calls).toEqual([['update', { filter_subject: '', filter_subjects: [] }]]);

    const single = jsmWith({ ...config, filter_subject: 'a.>' });
    await ensureDurableConsumer(single.jsm, 'EVENTS', { ...config, filter_subjects: ['b.>', 'a.>'] });
    expect(single.calls).toEqual([['update', { filter_subject: '', filter_subjects: ['b.>', 'a.>'] }]]);

    const same = jsmWith({ ...config, filter_subjects: ['a.>', 'b.>'] });
    await ensureDurableConsumer(same.jsm, 'EVENTS', { ...config, filter_subjects: ['b.>', 'a.>'] });
    expect(same.calls).toEqual([]);
  });

  it('says in the log when the server refuses an update, and leaves the consumer as it was', async () => {
    const refusal = Object.assign(new Error('400'), {
      api_error: { code: 400, err_code: 10012, description: 'consumer update not allowed' },
    });
    const refused = jsmWith({ ...config, max_ack_pending: 1_000 }, refusal);
    const warnings: unknown[] = [];
    await ensureDurableConsumer(refused.jsm, 'EVENTS', config, { warn: (m: unknown) => warnings.push(m) });
    expect(refused.calls).toEqual([['update', { max_ack_pending: 4_000 }]]);
    expect(warnings).toEqual([
      expect.objectContaining({
        consumer: 'tracker',
        fields: ['max_ack_pending'],
        error: 'consumer update not allowed',
      }),
    ]);
  });

  it('leaves an update that got no answer to be retried', async () => {
    const unanswered = jsmWith({ ...config, max_ack_pending: 1_000 }, new Error('TIMEOUT'));
    await expect(ensureDurableConsumer(unanswered.jsm, 'EVENTS', config)).rejects.toThrow('TIMEOUT');
  });

  it('creates a missing consumer', async () => {
    const missing = jsmWith(null);
    await ensureDurableConsumer(missing.jsm, 'EVENTS', config);
    expect(missing.calls).toEqual([['add', config]]);
  });
});
