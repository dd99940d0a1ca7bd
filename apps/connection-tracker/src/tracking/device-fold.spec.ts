import type { AnySessionEvent, ConnectionEnvelope } from '@cobrowse/contracts';
import type { SessionDeadline } from '../timeouts/session-deadlines.repository';
import { foldDeviceFacts, type TrackedFact } from './device-fold';

const TIMEOUT = 60_000;
const session = (type: string, at: number, data: Record<string, unknown> = {}): AnySessionEvent =>
  ({
    event_id: `${type}-${at}`,
    type,
    tenant: 'acme',
    session_id: 's1',
    version: 1,
    occurred_at: at,
    recorded_at: at,
    data,
  }) as unknown as AnySessionEvent;
const connection = (type: ConnectionEnvelope['type'], at: number): ConnectionEnvelope => ({
  event_id: `${type}-${at}`,
  type,
  tenant: 'acme',
  device_id: 'd1',
  occurred_at: at,
  recorded_at: at,
  data: { device_id: 'd1', connection_id: 'tab-1' },
});
/** Facts logged one after the other from position `from`. */
const facts = (from: number, ...events: Array<AnySessionEvent | ConnectionEnvelope>): TrackedFact[] =>
  events.map((event, i) => ({ event, seq: from + i }));

/** Deadlines as stored before the batch. */
const stored =
  (...deadlines: SessionDeadline[]) =>
  async (_tenant: string, sessionId: string) =>
    deadlines.find((d) => d.session_id === sessionId);
const deadline = (at: number): SessionDeadline => ({
  _id: 'acme/s1',
  tenant: 'acme',
  session_id: 's1',
  device_id: 'd1',
  deadline_at: at,
});

describe('foldDeviceFacts', () => {
  const visit = facts(
    10,
    connection('connection.opened', 1_000),
    session('session.created', 1_000, { device_id: 'd1' }),
    session('session.page-entered', 2_000, { url: 'https://a.test/p' }),
    connection('connection.heartbeat', 3_000),
    session('session.deactivated', 4_000, { reason: 'agent' }),
    connection('connection.closed', 4_500),
  );

  it('folds a whole visit into one device and no deadline left behind', async () => {
    const fold = await foldDeviceFacts(null, 'd1', visit, stored(), TIMEOUT);
    expect(fold.changed).toBe(true);
    expect(fold.device).toMatchObject({
      applied_seq: 15,
      current_session_id: null,
      last_url: 'https://a.test/p',
    });
    expect(fold.device!.connections[0].status).toBe('disconnected');
    expect(fold.deadlineSaves).toEqual([]);
    // Removed even though it was created in the same batch: a crash after its save stored it.
    expect(fold.deadlineRemovals).toEqual([{ tenant: 'acme', sessionId: 's1' }]);
  });

  it('stores a new session’s deadline, moved by the activity after it', async () => {
    const fold = await foldDeviceFacts(null, 'd1', visit.slice(0, 4), stored(), TIMEOUT);
    expect(fold.device).toMatchObject({ current_session_id: 's1', applied_seq: 13 });
    expect(fold.deadlineSaves).toEqual([deadline(3_000 + TIMEOUT)]);
    expect(fold.deadlineRemovals).toEqual([]);
  });

  it('delivered again after the device was written: no device change, the end’s removal still done', async () => {
    const first = await foldDeviceFacts(null, 'd1', visit, stored(), TIMEOUT);
    const again = await foldDeviceFacts(
      first.device,
      'd1',
      visit,
      stored(deadline(2_000 + TIMEOUT)),
      TIMEOUT,
    );
    expect(again.changed).toBe(false);
    expect(again.deadlineRemovals).toEqual([{ tenant: 'acme', sessionId: 's1' }]);
    // The creation's deadline is not set again for a device that applied it.
    expect(again.deadlineSaves).toEqual([]);
  });

  it('moves a stored deadline only later, and not after the session ended', async () => {
    const later = facts(
      20,
      connection('connection.heartbeat', 5_000),
      session('session.deactivated', 6_000),
      connection('connection.heartbeat', 7_000),
    );
    const inSession = (await foldDeviceFacts(null, 'd1', visit.slice(0, 2), stored(), TIMEOUT)).device;
    const fold = await foldDeviceFacts(inSession, 'd1', later, stored(deadline(9_000 + TIMEOUT)), TIMEOUT);
    expect(fold.deadlineSaves).toEqual([]); // 5 000 + timeout is earlier than what is stored
    expect(fold.deadlineRemovals).toEqual([{ tenant: 'acme', sessionId: 's1' }]);
    expect(fold.device).toMatchObject({ current_session_id: null, applied_seq: 22 });
  });

  it('changes nothing for a session without a deadline (ended before, or older than the tracker)', async () => {
    const fold = await foldDeviceFacts(
      null,
      'd1',
      facts(10, session('session.page-entered', 1_000, { url: 'x' })),
      stored(),
      TIMEOUT,
    );
    expect(fold).toMatchObject({ changed: false, device: null, deadlineSaves: [], deadlineRemovals: [] });
  });
});
