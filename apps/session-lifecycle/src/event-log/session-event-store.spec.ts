import type { AnySessionEvent } from '@cobrowse/contracts';
import type { AppendOptions, EventLog, StoredEvent, TenantStreams } from '@cobrowse/messaging';
import { SessionEventStore } from './session-event-store';

const S = '11111111-1111-4111-8111-111111111111';
const event = (version: number, over: Partial<AnySessionEvent> = {}) =>
  ({
    event_id: `e${version}`,
    type: version === 1 ? 'session.created' : 'session.page-entered',
    tenant: 'acme',
    session_id: S,
    occurred_at: 1,
    recorded_at: 2,
    version,
    data: version === 1 ? { device_id: 'd1', custom_data: {} } : { url: `https://shop.example/${version}` },
    ...over,
  }) as AnySessionEvent;

const stored = (seq: number, value: unknown): StoredEvent => ({
  seq,
  subject: `cobrowse.acme.session.${S}.x`,
  data: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

/** An event log holding `messages` on every subject, recording appends. */
function logHolding(messages: StoredEvent[]) {
  const appends: Array<{ subject: string; options: AppendOptions }> = [];
  const log = {
    readAll: async () => messages,
    append: async (subject: string, _data: string, options: AppendOptions) => {
      appends.push({ subject, options });
      return { seq: 99, duplicate: false };
    },
  } as unknown as EventLog;
  const streams = { ensureSoon: () => undefined } as unknown as TenantStreams;
  return { store: new SessionEventStore(log, streams), appends };
}

describe('SessionEventStore', () => {
  it('folds the session from its history, skipping what is not its next event', async () => {
    const { store } = logHolding([
      stored(3, event(1)),
      stored(5, '{not json'),
      stored(7, event(3)), // a gap: version 2 is missing, so 3 is not next
      stored(8, event(2, { session_id: '22222222-2222-4222-8222-222222222222' })), // another session's
      stored(9, event(2)),
    ]);
    const history = await store.read('acme', S);
    expect(history.snapshot?.version).toBe(2);
    expect([...history.eventVersions]).toEqual([
      ['e1', 1],
      ['e2', 2],
    ]);
    expect(history.lastSeq).toBe(9);
  });

  it('appends only where the session last was, with an id that names that position', async () => {
    const { store, appends } = logHolding([]);
    await store.append(event(2), 41);
    expect(appends).toEqual([
      {
        subject: `cobrowse.acme.session.${S}.page-entered`,
        options: {
          msgID: `acme/${S}/e2@41`,
          expectLast: { filter: `cobrowse.acme.session.${S}.*`, seq: 41 },
        },
      },
    ]);
  });
});
