import type { AppConfig } from '@cobrowse/config';
import type { HeartbeatReport } from '@cobrowse/contracts';
import type { Leadership } from '@cobrowse/messaging';
import { applyConnection, type DeviceState } from '../devices/device-state';
import { DeviceLocks } from '../devices/device-locks';
import type { DevicesRepository } from '../devices/devices.repository';
import type { DeadlineSchedule } from '../timeouts/deadline-schedule';
import type { SessionDeadline } from '../timeouts/session-deadlines.repository';
import { AbsorbBeatsUseCase } from './absorb-beats.usecase';
import { KnownDevices } from './known-devices';
import { Presence } from './presence';

const TIMEOUT = 60_000;

const inSession: DeviceState = {
  ...applyConnection(null, {
    event_id: 'opened',
    type: 'connection.opened',
    tenant: 'acme',
    device_id: 'd1',
    occurred_at: 1_000,
    recorded_at: 1_000,
    data: { device_id: 'd1', connection_id: 'tab', current_url: 'https://a.test/' },
  }),
  current_session_id: 's1',
};

const beat = (event_id: string, fields: Partial<HeartbeatReport> = {}): HeartbeatReport => ({
  event_id,
  device_id: 'd1',
  connection_id: 'tab',
  occurred_at: 1_000,
  ...fields,
});

function useCase() {
  const saved: SessionDeadline[] = [];
  const deadline: SessionDeadline = {
    _id: 'acme/s1',
    tenant: 'acme',
    session_id: 's1',
    device_id: 'd1',
    deadline_at: 0,
  };
  const deadlines = {
    lookup: async () => deadline,
    save: async (d: SessionDeadline) => void saved.push(d),
  } as unknown as DeadlineSchedule;
  const devices = { findById: async () => inSession } as unknown as DevicesRepository;
  const presence = new Presence();
  const locks = new DeviceLocks();
  const absorb = new AbsorbBeatsUseCase(
    devices,
    new KnownDevices(),
    presence,
    deadlines,
    locks,
    { isLeader: true } as Leadership,
    { SESSION_INACTIVITY_TIMEOUT_MS: TIMEOUT } as AppConfig,
  );
  return { absorb, presence, saved, locks };
}

describe('AbsorbBeatsUseCase', () => {
  it('keeps a beat that changes nothing, moving its session deadline, and logs one that changes the URL', async () => {
    const { absorb, presence, saved } = useCase();
    const before = Date.now();
    expect(
      await absorb.execute('acme', [beat('b1'), beat('b2', { current_url: 'https://a.test/b' })]),
    ).toEqual(['seen', 'log']);
    expect(presence.of('acme', 'd1')[0].seen_at).toBeGreaterThanOrEqual(before);
    expect(saved).toHaveLength(1);
    expect(saved[0].deadline_at).toBeGreaterThanOrEqual(before + TIMEOUT);
  });

  it('counts a logged beat as seen at once, and every beat after it while its change is on its way', async () => {
    const { absorb, presence, saved } = useCase();
    const before = Date.now();
    expect(await absorb.execute('acme', [beat('b1', { has_focus: true })])).toEqual(['log']);
    expect(presence.of('acme', 'd1')).toEqual([
      { connection_id: 'tab', seen_at: expect.any(Number), focus_at: 1_000 },
    ]);
    expect(presence.of('acme', 'd1')[0].seen_at).toBeGreaterThanOrEqual(before);
    await new Promise((r) => setTimeout(r, 5));
    const later = Date.now();
    expect(await absorb.execute('acme', [beat('b2')])).toEqual(['log']);
    expect(presence.of('acme', 'd1')[0].seen_at).toBeGreaterThanOrEqual(later);
    // The logged facts move the deadline when they are applied.
    expect(saved).toEqual([]);
  });

  it('answers a kept beat repeated as a duplicate, and a logged one again as log', async () => {
    const { absorb } = useCase();
    await absorb.execute('acme', [beat('b1'), beat('b2', { has_focus: true })]);
    expect(await absorb.execute('acme', [beat('b1'), beat('b2', { has_focus: true })])).toEqual([
      'duplicate',
      'log',
    ]);
  });

  it('sends a beat to the log when its device is busy for longer than the answer can wait', async () => {
    const { absorb, locks } = useCase();
    let release!: () => void;
    void locks.run('acme/d1', () => new Promise<void>((r) => (release = r)));
    // The device stays busy until after the answer: an answer at all is one that did not wait.
    expect(await absorb.execute('acme', [beat('b1')])).toEqual(['log']);
    release();
  });
});
