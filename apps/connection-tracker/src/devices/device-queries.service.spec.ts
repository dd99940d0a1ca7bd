import type { DeviceQuery, ListDevicesRequest } from '@cobrowse/contracts';
import type { AppConfig } from '@cobrowse/config';
import { memoryIndex } from '@cobrowse/testing';
import type { DeviceListPagesRepository } from '../device-list/device-list-pages.repository';
import { DeviceListReader } from '../device-list/device-list.reader';
import { deviceListShape, rowOf } from '../device-list/device-row';
import type { PresenceReader } from '../presence/presence-reader';
import type { RetentionPolicyClient } from '@cobrowse/platform';
import { DeviceQueriesService } from './device-queries.service';
import { deviceDocumentId, type DeviceState } from './device-state';
import type { DevicesRepository } from './devices.repository';

const NOW = Date.now();
/** The inactivity timeout the service is configured with: what `online` is judged by. */
const INACTIVITY_TIMEOUT_MS = 60_000;

function device(i: number): DeviceState {
  const online = i % 4 === 0;
  return {
    _id: deviceDocumentId('acme', `d${i}`),
    tenant: 'acme',
    id: `d${i}`,
    added_at: 1_000 + Math.floor(i / 3), // ties
    last_seen_at: online ? NOW - 1_000 : NOW - 3_600_000 - i,
    current_session_id: null,
    last_url: null,
    device: {},
    custom_data: { plan: i % 5 === 0 ? 'gold' : 'basic', n: i % 3 },
    connections: online
      ? [
          {
            unique_connection_id: `c${i}`,
            current_url: null,
            active_since: NOW - 5_000,
            status: 'active',
            has_focus: true,
            last_focus_at: null,
            screen_width: null,
            screen_height: null,
            expected_disconnect: null,
            last_seen_at: NOW - 1_000,
          },
        ]
      : [],
  };
}

/** Devices and their list built through the store in a shuffled order, read through the service. */
async function build(devices: DeviceState[]) {
  const shuffled = [...devices].sort(
    (a, b) =>
      ((a.id.length * 7919 + Number(a.id.slice(1))) % 97) -
      ((b.id.length * 7919 + Number(b.id.slice(1))) % 97),
  );
  const { store, pagesRead } = await memoryIndex(deviceListShape, 'acme', shuffled.map(rowOf), 53);
  const stored = new Map(devices.map((d) => [d.id, d]));
  let devicesRead = 0;
  const service = new DeviceQueriesService(
    {
      findById: async (_t: string, id: string) => {
        devicesRead++;
        return stored.get(id) ?? null;
      },
    } as unknown as DevicesRepository,
    new DeviceListReader(store as unknown as DeviceListPagesRepository),
    {
      forTenant: async () => ({ device_ttl_seconds: 86_400, ended_session_ttl_seconds: 86_400 }),
    } as unknown as RetentionPolicyClient,
    { overlay: async (_t: string, ds: DeviceState[]) => ds } as unknown as PresenceReader,
    { SESSION_INACTIVITY_TIMEOUT_MS: INACTIVITY_TIMEOUT_MS } as AppConfig,
  );
  return { service, stored, pagesRead, reads: () => devicesRead };
}

const devices = Array.from({ length: 1_000 }, (_, i) => device(i));

/** Every match newest added first: what the list must answer. */
function expected(keep: (d: DeviceState) => boolean): string[] {
  return devices
    .filter(keep)
    .sort((a, b) => b.added_at - a.added_at || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0))
    .map((d) => d.id);
}

async function all(service: DeviceQueriesService, query: DeviceQuery, limit = 37): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const request: ListDevicesRequest = { tenant: 'acme', query, limit, ...(cursor ? { cursor } : {}) };
    const page = await service.list(request);
    ids.push(...page.data.map((d) => d.id));
    if (!page.next_cursor) return ids;
    cursor = page.next_cursor;
  }
}

/**
 * Every field of a device query with what it selects. Typed as a Record over DeviceQuery's
 * keys: a new filter fails to compile here until it says how the list answers it.
 */
const SHAPES: Record<keyof DeviceQuery, [DeviceQuery, (d: DeviceState) => boolean]> = {
  custom_data: [
    { custom_data: { plan: 'gold', n: '2' } },
    (d) => d.custom_data.plan === 'gold' && d.custom_data.n === 2,
  ],
  online: [{ online: true }, (d) => d.connections.length > 0],
  seen_after: [{ seen_after: NOW - 2_000 }, (d) => d.last_seen_at >= NOW - 2_000],
  seen_before: [{ seen_before: NOW - 3_600_500 }, (d) => d.last_seen_at < NOW - 3_600_500],
  policy: [
    { policy: { custom_data: { plan: ['gold', 'silver'] } } },
    (d) => d.custom_data.plan === 'gold' || d.custom_data.plan === 'silver',
  ],
};

describe('DeviceQueriesService.list: the devices list from its index pages', () => {
  it.each(Object.entries(SHAPES))(
    'pages through every match of %s exactly once, newest first',
    async (_f, [query, keep]) => {
      const { service } = await build(devices);
      const listed = await all(service, query);
      expect(listed).toEqual(expected(keep));
      expect(listed.length).toBeGreaterThan(0);
    },
  );

  it('pages through every device with no filter, exactly once, in order', async () => {
    const { service } = await build(devices);
    expect(await all(service, {})).toEqual(expected(() => true));
  });

  it('reads one or two index pages and a page of devices for the newest devices', async () => {
    const { service, pagesRead, reads } = await build(devices);
    await service.list({ tenant: 'acme', query: {}, limit: 20 });
    expect(pagesRead().length).toBeGreaterThan(0);
    expect(new Set(pagesRead()).size).toBeLessThanOrEqual(2 + 4); // the page and its read-ahead
    expect(reads()).toBeLessThanOrEqual(100);
  });

  it('skips a row whose device is gone, and checks custom data on the device itself', async () => {
    const { service, stored } = await build(devices);
    const newest = expected(() => true);
    stored.delete(newest[0]);
    const moved = stored.get(newest[1])!;
    stored.set(newest[1], { ...moved, custom_data: { plan: 'platinum' } });
    const page = await service.list({ tenant: 'acme', query: {}, limit: 5 });
    expect(page.data.map((d) => d.id)).toEqual(newest.slice(1, 6));
    // The row still says what the device had: the row finds it, the device decides.
    const was = String(moved.custom_data.plan);
    expect(await all(service, { custom_data: { plan: was } })).not.toContain(newest[1]);
    expect(await all(service, { custom_data: { plan: 'platinum' } })).toEqual([]);
  });
});
