import type { AppConfig } from '@cobrowse/config';
import { DeadlineSchedule } from './deadline-schedule';
import type { SessionDeadline, SessionDeadlinesRepository } from './session-deadlines.repository';

const TIMEOUT_MS = 300_000;
const SLACK_MS = 30_000;

function scheduleWithStore() {
  const stored = new Map<string, SessionDeadline>();
  const writes: SessionDeadline[] = [];
  const repository = {
    insert: async (d: SessionDeadline) => {
      if (stored.has(d._id)) return false;
      writes.push(d);
      stored.set(d._id, d);
      return true;
    },
    save: async (d: SessionDeadline) => {
      writes.push(d);
      stored.set(d._id, d);
    },
    remove: async (_t: string, s: string) => void stored.delete(`acme/${s}`),
    findById: async (_t: string, s: string) => stored.get(`acme/${s}`) ?? null,
    all: async function* () {
      yield* stored.values();
    },
  } as unknown as SessionDeadlinesRepository;
  const config = { SESSION_INACTIVITY_TIMEOUT_MS: TIMEOUT_MS } as AppConfig;
  return { schedule: new DeadlineSchedule(repository, config), writes, stored, repository, config };
}

const deadline = (at: number): SessionDeadline => ({
  _id: 'acme/s1',
  tenant: 'acme',
  session_id: 's1',
  device_id: 'd1',
  deadline_at: at,
});

describe('DeadlineSchedule', () => {
  it('stores a new deadline with slack and keeps the exact one in memory', async () => {
    const { schedule, writes } = scheduleWithStore();
    await schedule.save(deadline(1_000_000));
    expect(writes.map((w) => w.deadline_at)).toEqual([1_000_000 + SLACK_MS]);
    expect(schedule.find('acme', 's1')?.deadline_at).toBe(1_000_000);
  });

  it('writes again only when activity moves the deadline past what is stored', async () => {
    const { schedule, writes } = scheduleWithStore();
    await schedule.save(deadline(1_000_000));
    await schedule.save(deadline(1_010_000));
    await schedule.save(deadline(1_030_000));
    expect(writes).toHaveLength(1);
    expect(schedule.find('acme', 's1')?.deadline_at).toBe(1_030_000);
    await schedule.save(deadline(1_030_001));
    expect(writes.map((w) => w.deadline_at)).toEqual([1_030_000, 1_060_001]);
  });

  it('is due by the exact deadline, and after a reload never earlier than that', async () => {
    const { schedule, repository, config } = scheduleWithStore();
    await schedule.save(deadline(1_000_000));
    await schedule.save(deadline(1_020_000));
    expect(schedule.due(1_019_999)).toHaveLength(0);
    expect(schedule.due(1_020_000)).toHaveLength(1);
    const reloaded = new DeadlineSchedule(repository, config);
    await reloaded.load();
    expect(reloaded.due(1_020_000)).toHaveLength(0);
    expect(reloaded.due(1_000_000 + SLACK_MS)).toHaveLength(1);
  });

  it('forgets a removed deadline', async () => {
    const { schedule } = scheduleWithStore();
    await schedule.save(deadline(1_000_000));
    await schedule.remove('acme', 's1');
    expect(schedule.find('acme', 's1')).toBeUndefined();
    expect(schedule.due(Number.MAX_SAFE_INTEGER)).toHaveLength(0);
  });

  describe('a deadline written after this replica loaded (a previous leader finishing its last facts)', () => {
    it('is found in the database on a miss, and remembered', async () => {
      const { schedule, stored } = scheduleWithStore();
      await schedule.load();
      stored.set('acme/s1', deadline(1_000_000));
      expect(schedule.find('acme', 's1')).toBeUndefined();
      expect((await schedule.lookup('acme', 's1'))?.device_id).toBe('d1');
      stored.clear();
      expect(schedule.find('acme', 's1')?.deadline_at).toBe(1_000_000);
      expect(await schedule.deviceOf('acme', 's1')).toBe('d1');
    });

    it('is merged in by a refresh, which keeps what memory knows better', async () => {
      const { schedule, stored } = scheduleWithStore();
      await schedule.save(deadline(2_000_000));
      stored.set('acme/s1', deadline(1_000_000));
      stored.set('acme/s2', { ...deadline(1_500_000), _id: 'acme/s2', session_id: 's2' });
      expect(await schedule.refresh()).toBe(1);
      expect(schedule.due(1_600_000).map((d) => d.session_id)).toEqual(['s2']);
      expect(schedule.find('acme', 's1')?.deadline_at).toBe(2_000_000);
    });
  });
});
