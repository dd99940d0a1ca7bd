import type { AppConfig } from '@cobrowse/config';
import type { Leadership } from '@cobrowse/messaging';
import type { ConnectionEnvelope } from '@cobrowse/contracts';
import { applyConnection, type DeviceState } from '../devices/device-state';
import type { DevicesRepository } from '../devices/devices.repository';
import type { DeviceExpiryWatch } from '../retention/device-expiry.watch';
import type { DeadlineSchedule } from '../timeouts/deadline-schedule';
import type { DeviceListWriter } from '../device-list/device-list.writer';
import { DeviceLocks } from '../devices/device-locks';
import { KnownDevices } from '../presence/known-devices';
import { ApplyTrackedEventUseCase } from './apply-tracked-event.usecase';

const fact = (type: ConnectionEnvelope['type'], url?: string, deviceId = 'd1'): ConnectionEnvelope => ({
  event_id: `${type}-${url ?? ''}`,
  type,
  tenant: 'acme',
  device_id: deviceId,
  occurred_at: 1_000,
  recorded_at: 1_000,
  data: { device_id: deviceId, connection_id: 'tab-1', ...(url ? { current_url: url } : {}) },
});

function useCaseOn(
  repository: DevicesRepository,
  list = { put: async () => undefined } as unknown as DeviceListWriter,
): ApplyTrackedEventUseCase {
  return new ApplyTrackedEventUseCase(
    repository,
    { lookup: async () => undefined } as unknown as DeadlineSchedule,
    { note: () => undefined } as unknown as DeviceExpiryWatch,
    { assertLeader: () => undefined } as unknown as Leadership,
    new KnownDevices(),
    new DeviceLocks(),
    list,
    { SESSION_INACTIVITY_TIMEOUT_MS: 300_000 } as AppConfig,
  );
}

/** One device document, with a write of someone else landing between the use case's read and write. */
function devicesWithLateWrite(initial: DeviceState, late: (d: DeviceState) => DeviceState) {
  let stored = initial;
  let lateWritten = false;
  const repository = {
    findById: async () => stored,
    insert: async () => false,
    replaceIfUnchanged: async (previous: DeviceState, next: DeviceState) => {
      if (!lateWritten) {
        lateWritten = true;
        stored = late(stored);
      }
      if (stored.applied_seq !== previous.applied_seq) return false;
      stored = next;
      return true;
    },
  } as unknown as DevicesRepository;
  return { useCase: useCaseOn(repository), stored: () => stored };
}

describe('ApplyTrackedEventUseCase', () => {
  const opened = { ...applyConnection(null, fact('connection.opened', 'https://a.test/')), applied_seq: 5 };

  it('applies a fact over a write that landed after its read, never under it', async () => {
    const { useCase, stored } = devicesWithLateWrite(opened, (d) => ({
      ...applyConnection(d, fact('connection.heartbeat', 'https://a.test/late')),
      applied_seq: 6,
    }));
    expect(await useCase.execute([[{ event: fact('connection.closed'), seq: 7 }]])).toEqual([{ applied: 1 }]);
    expect(stored()).toMatchObject({ applied_seq: 7, last_url: 'https://a.test/late' });
    expect(stored().connections[0].status).toBe('disconnected');
  });

  it('skips the fact when the late write had already applied it', async () => {
    const closedLater = { ...applyConnection(opened, fact('connection.closed')), applied_seq: 9 };
    const { useCase, stored } = devicesWithLateWrite(opened, () => closedLater);
    expect(
      await useCase.execute([[{ event: fact('connection.heartbeat', 'https://a.test/stale'), seq: 7 }]]),
    ).toEqual([{ applied: 1 }]);
    expect(stored()).toBe(closedLater);
  });

  it('applies onto what it wrote when a former leader’s late write took the device back', async () => {
    let stored: DeviceState = opened;
    const useCase = useCaseOn({
      findById: async () => stored,
      insert: async () => false,
      replaceIfUnchanged: async (previous: DeviceState, next: DeviceState) => {
        if (stored.applied_seq !== previous.applied_seq) return false;
        stored = next;
        return true;
      },
    } as unknown as DevicesRepository);
    expect(
      await useCase.execute([[{ event: fact('connection.heartbeat', 'https://a.test/b'), seq: 6 }]]),
    ).toEqual([{ applied: 1 }]);
    stored = opened; // the former leader's write of the device as it read it, landing now
    expect(await useCase.execute([[{ event: fact('connection.closed'), seq: 7 }]])).toEqual([{ applied: 1 }]);
    expect(stored).toMatchObject({ applied_seq: 7, last_url: 'https://a.test/b' });
    expect(stored.connections[0].status).toBe('disconnected');
  });

  it('writes the devices list once for the whole batch; a row it refuses fails its own key only', async () => {
    const puts: string[][] = [];
    let refused = 'none';
    const list = {
      put: async (devices: DeviceState[]) => {
        const ids = devices.map((d) => d.id).sort();
        if (refused === 'all' || ids.includes(refused)) throw new Error(`list refused ${refused}`);
        puts.push(ids);
      },
    } as unknown as DeviceListWriter;
    const useCase = useCaseOn(
      { findById: async () => null, insert: async () => true } as unknown as DevicesRepository,
      list,
    );
    const batch = [
      [{ event: fact('connection.opened', 'https://a.test/', 'd1'), seq: 1 }],
      [{ event: fact('connection.opened', 'https://a.test/', 'd2'), seq: 2 }],
    ];
    const failures = async () =>
      (await useCase.execute(batch)).map((o) => [o.applied, (o.failure as Error | undefined)?.message]);

    expect(await failures()).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
    expect(puts).toEqual([['d1', 'd2']]);

    refused = 'd2';
    expect(await failures()).toEqual([
      [1, undefined],
      [0, 'list refused d2'],
    ]);
    expect(puts.at(-1)).toEqual(['d1']);

    refused = 'all';
    expect(await failures()).toEqual([
      [0, 'list refused all'],
      [0, 'list refused all'],
    ]);
  });
});
