import type { AppConfig } from '@cobrowse/config';
import type { EventLog, Leadership, RpcClient } from '@cobrowse/messaging';
import type { DeadlineSchedule } from './deadline-schedule';
import { InactivitySweeper } from './inactivity-sweeper';
import type { SessionDeadline } from './session-deadlines.repository';

/** The sweeper against a log whose end and tracker checkpoint the test moves, and a lifecycle that answers as told. */
function sweeperWith(answer: { status: string; error?: { code: string } }) {
  const log = { end: 10, applied: 10 };
  const deadline: SessionDeadline = {
    _id: 'acme/s-1',
    tenant: 'acme',
    session_id: 's-1',
    device_id: 'd-1',
    deadline_at: 0,
  };
  const held = new Map([[deadline._id, deadline]]);
  const leadership = { isLeader: true, term: 1 };
  const deadlines = {
    refresh: jest.fn(async () => 0),
    due: () => [...held.values()],
    remove: jest.fn(async (tenant: string, sessionId: string) => void held.delete(`${tenant}/${sessionId}`)),
  };
  const rpc = { send: jest.fn(async () => ({ results: [answer] })) };
  const eventLog = { progressOf: async () => ({ logEnd: log.end, applied: log.applied }) };
  const sweeper = new InactivitySweeper(
    deadlines as unknown as DeadlineSchedule,
    leadership as Leadership,
    rpc as unknown as RpcClient,
    eventLog as unknown as EventLog,
    { SESSION_INACTIVITY_TIMEOUT_MS: 1_000 } as AppConfig,
  );
  return { sweeper, log, deadlines, rpc, held, leadership };
}

describe('InactivitySweeper', () => {
  it('asks the lifecycle to end an overdue session and leaves its deadline to the tracker', async () => {
    const { sweeper, deadlines, rpc } = sweeperWith({ status: 'accepted' });
    await sweeper.sweep();
    expect(rpc.send).toHaveBeenCalledTimes(1);
    expect(deadlines.remove).not.toHaveBeenCalled();
  });

  it('keeps the deadline of a session that ended already until the tracker has applied the end', async () => {
    // The session's end was logged (by its relay) after the deadline fell due, and the tracker
    // has not applied it yet: the tracker finds the device by this deadline when it does.
    const { sweeper, log, deadlines, held } = sweeperWith({
      status: 'rejected',
      error: { code: 'SESSION_ENDED' },
    });
    await sweeper.sweep();
    log.end = 11; // the end, logged before the lifecycle answered
    await sweeper.sweep();
    await sweeper.sweep();
    expect(deadlines.remove).not.toHaveBeenCalled();
    expect(held.size).toBe(1);

    log.applied = 11;
    await sweeper.sweep();
    expect(deadlines.remove).toHaveBeenCalledWith('acme', 's-1');
    expect(held.size).toBe(0);
  });

  it('asks again later while the lifecycle is unavailable', async () => {
    const { sweeper, deadlines, rpc } = sweeperWith({
      status: 'rejected',
      error: { code: 'SERVICE_UNAVAILABLE' },
    });
    await sweeper.sweep();
    for (let i = 0; i < 3; i++) await sweeper.sweep();
    expect(rpc.send).toHaveBeenCalledTimes(1); // retried after RETRY_MS, not on every sweep
    expect(deadlines.remove).not.toHaveBeenCalled();
  });

  it('reads the stored deadlines again a minute into a term, then ever less often, afresh each term', async () => {
    const { sweeper, deadlines, leadership } = sweeperWith({ status: 'accepted' });
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const refreshesAt = async (seconds: number[]) => {
      const start = now;
      const at: number[] = [];
      for (const t of seconds) {
        now = start + t * 1_000;
        const before = deadlines.refresh.mock.calls.length;
        await sweeper.sweep();
        if (deadlines.refresh.mock.calls.length > before) at.push(t);
      }
      return at;
    };
    try {
      expect(await refreshesAt([0, 59, 60, 61, 179, 180, 419, 420])).toEqual([60, 180, 420]);
      leadership.term = 2;
      expect(await refreshesAt([0, 59, 60])).toEqual([60]);
    } finally {
      clock.mockRestore();
    }
  });
});
