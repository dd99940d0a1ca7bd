import { sleep } from '@cobrowse/resilience';
import { MongoClient } from 'mongodb';
import { connect, headers, type NatsConnection } from 'nats';
import { ApiClient, eventually, readEventLog, TEST_KEYS, TestSystem } from '@cobrowse/testing';

const TIMEOUT_MS = 1_500;

/** Devices, presence and inactivity timeouts, with two connection-tracker replicas. */
describe('connection tracker', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;
  /** A relay of tenant acme: cobrowse.ingest is answered in a tenant's relays account. */
  let relay: NatsConnection;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { SESSION_INACTIVITY_TIMEOUT_MS: String(TIMEOUT_MS) },
      replicas: { 'connection-tracker': 2 },
    });
    api = new ApiClient(system.gatewayUrl).as('ingest');
    nc = await connect(system.natsAs('services'));
    relay = await connect(system.natsAs('relay-acme'));
  });

  afterAll(async () => {
    await relay?.close();
    await nc?.close();
    await system?.stop();
  });

  const session = async (deviceId: string) =>
    (await api.post('/v1/sessions', { device_id: deviceId })).body.id as string;
  const state = async (id: string) => (await api.as('read').get(`/v1/sessions/${id}`)).body;
  const device = async (id: string) => (await api.as('read').get(`/v1/devices/${id}`)).body;
  const timeouts = async (id: string) =>
    (await readEventLog(nc, `cobrowse.acme.session.${id}.deactivated`)).map((e) => e.envelope.data.reason);

  describe('inactivity', () => {
    it('ends a silent session with end_reason timeout, exactly once with two tracker replicas', async () => {
      const id = await session('silent-device');
      await eventually(async () =>
        expect(await state(id)).toMatchObject({ state: 'ended', end_reason: 'timeout' }),
      );
      await sleep(TIMEOUT_MS * 2); // room for a second replica to try again
      expect(await timeouts(id)).toEqual(['timeout']);
    });

    it('keeps a session alive while its device sends heartbeats, and ends it once they stop', async () => {
      const id = await session('busy-device');
      const heartbeat = (url: string) =>
        api.post('/v1/devices/busy-device/connections/tab-1/heartbeat', {
          current_url: url,
          has_focus: true,
        });
      expect((await api.post('/v1/devices/busy-device/connections', { connection_id: 'tab-1' })).status).toBe(
        201,
      );
      for (let i = 0; i < 12; i++) {
        expect((await heartbeat(`https://a.test/${i}`)).status).toBe(200);
        await sleep(TIMEOUT_MS / 4);
      }
      expect((await state(id)).state).toBe('pending');
      await eventually(async () =>
        expect(await state(id)).toMatchObject({ state: 'ended', end_reason: 'timeout' }),
      );
    });

    it('never times a session out while the tracker cannot apply its activity (database down)', async () => {
      const id = await session('outage-device');
      await api.post('/v1/devices/outage-device/connections', { connection_id: 'tab-1' });
      await eventually(async () => expect((await device('outage-device')).is_in_session).toBe(true));
      await system.killDatabase();
      try {
        // The relay keeps reporting; the facts reach the log, but the tracker cannot apply them.
        for (let i = 0; i < 16; i++) {
          const r = await api.post('/v1/devices/outage-device/connections/tab-1/heartbeat', {
            current_url: `https://a.test/outage-${i}`,
          });
          expect(r.status).toBe(200);
          await sleep(TIMEOUT_MS / 4);
        }
      } finally {
        await system.startDatabase();
      }
      await eventually(
        async () => expect((await device('outage-device')).last_url).toBe('https://a.test/outage-15'),
        60_000,
      );
      // Ended only once the device had been silent for the timeout, never while it reported.
      const facts = await readEventLog(nc, 'cobrowse.acme.device.outage-device.*');
      const lastActivity = Math.max(...facts.map((f) => f.envelope.recorded_at as number));
      const ends = await readEventLog(nc, `cobrowse.acme.session.${id}.deactivated`);
      for (const end of ends)
        expect(end.envelope.recorded_at).toBeGreaterThanOrEqual(lastActivity + TIMEOUT_MS);
    }, 120_000);

    it('extends the deadline by an expected disconnect', async () => {
      const id = await session('leaving-device');
      await api.post('/v1/devices/leaving-device/connections', { connection_id: 'app-1' });
      const closed = await api.request('DELETE', '/v1/devices/leaving-device/connections/app-1', {
        expected_disconnect: {
          return_time_seconds: 4,
          message: 'Switching to the banking app',
          title: 'Back soon',
        },
      });
      expect(closed.status).toBe(200);
      await sleep(TIMEOUT_MS + 1_000);
      expect((await state(id)).state).toBe('pending');
      await eventually(async () =>
        expect(await state(id)).toMatchObject({ state: 'ended', end_reason: 'timeout' }),
      );
    });

    it('still ends an overdue session after every tracker was killed and one restarted', async () => {
      const id = await session('orphan-device');
      await system.kill('connection-tracker');
      await sleep(TIMEOUT_MS + 500);
      expect((await state(id)).state).toBe('pending');
      system.startReplica('connection-tracker');
      await eventually(async () =>
        expect(await state(id)).toMatchObject({ state: 'ended', end_reason: 'timeout' }),
      );
      expect(await timeouts(id)).toEqual(['timeout']);
    });
  });

  describe('devices', () => {
    it('goes online with a connection, follows heartbeats, and goes offline when it closes', async () => {
      const opened = await api.post('/v1/devices/laptop-1/connections', {
        connection_id: 'tab-a',
        current_url: 'https://shop.test/',
        has_focus: false,
        screen_width: 1440,
        screen_height: 900,
      });
      expect(opened.body).toMatchObject({ status: 'accepted', device_id: 'laptop-1' });
      await eventually(async () => expect(await device('laptop-1')).toMatchObject({ is_online: true }));
      await api.post('/v1/devices/laptop-1/connections/tab-a/heartbeat', {
        current_url: 'https://shop.test/cart',
        has_focus: true,
      });
      await eventually(async () => {
        const d = await device('laptop-1');
        expect(d.connections).toEqual([
          expect.objectContaining({
            unique_connection_id: 'tab-a',
            current_url: 'https://shop.test/cart',
            has_focus: true,
            status: 'active',
            screen_width: 1440,
            screen_height: 900,
            expected_disconnect: null,
          }),
        ]);
        expect(d.last_url).toBe('https://shop.test/cart');
        expect(d.connections[0].last_focus_at).not.toBeNull();
      });
      await api.request('DELETE', '/v1/devices/laptop-1/connections/tab-a');
      await eventually(async () => {
        const d = await device('laptop-1');
        expect(d.is_online).toBe(false);
        expect(d.connections[0].status).toBe('disconnected');
      });
    });

    it('follows the session: is_in_session and current_session_id', async () => {
      const id = await session('kiosk-1');
      await eventually(async () =>
        expect(await device('kiosk-1')).toMatchObject({ is_in_session: true, current_session_id: id }),
      );
      await api.post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' });
      await eventually(async () =>
        expect(await device('kiosk-1')).toMatchObject({ is_in_session: false, current_session_id: null }),
      );
    });

    it('takes connection facts through POST /v1/events and cobrowse.ingest, answering repeats as duplicates', async () => {
      const events = [
        {
          event_id: 'c-open-1',
          type: 'connection.opened',
          data: { device_id: 'phone-1', connection_id: 'app' },
        },
        {
          event_id: 'c-beat-1',
          type: 'connection.heartbeat',
          data: { device_id: 'phone-1', connection_id: 'app' },
        },
        { event_id: 'c-bad', type: 'connection.opened', data: { device_id: 'phone-1' } },
      ];
      const first = await api.post('/v1/events', { events });
      expect(first.body.results.map((r: { status: string }) => r.status)).toEqual([
        'accepted',
        'accepted',
        'rejected',
      ]);
      const h = headers();
      h.set('Authorization', `Bearer ${TEST_KEYS.ingest}`);
      const again = (
        await relay.request('cobrowse.ingest', JSON.stringify({ events }), { headers: h, timeout: 10_000 })
      ).json<any>();
      expect(again.results.map((r: { status: string }) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'rejected',
      ]);
      await eventually(async () => expect(await device('phone-1')).toMatchObject({ is_online: true }));
    });

    it('lists devices with filters and stable paging', async () => {
      for (const id of ['list-a', 'list-b', 'list-c']) {
        await api.post('/v1/sessions', {
          device_id: id,
          custom_data: { fleet: id === 'list-b' ? 'blue' : 'red' },
        });
      }
      await api.post('/v1/devices/list-c/connections', { connection_id: 'x' });
      const reader = api.as('read');
      await eventually(async () =>
        expect((await reader.get('/v1/devices?filter_fleet=red')).body.data).toHaveLength(2),
      );
      expect(
        (await reader.get('/v1/devices?filter_fleet=blue')).body.data.map((d: { id: string }) => d.id),
      ).toEqual(['list-b']);
      await eventually(async () =>
        expect(
          (await reader.get('/v1/devices?filter_fleet=red&online=true')).body.data.map(
            (d: { id: string }) => d.id,
          ),
        ).toEqual(['list-c']),
      );
      const seen = new Set<string>();
      let cursor = '';
      do {
        const page = (await reader.get(`/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
        for (const d of page.data) {
          expect(seen.has(d.id)).toBe(false);
          seen.add(d.id);
        }
        cursor = page.next_cursor ?? '';
      } while (cursor);
      expect(seen.size).toBeGreaterThanOrEqual(8);
      expect((await reader.get(`/v1/devices?seen_after=${Date.now() + 60_000}`)).body.data).toEqual([]);
      expect((await reader.get('/v1/devices?online=maybe')).status).toBe(400);
      expect((await reader.get('/v1/devices/unknown-device')).status).toBe(404);
      expect(
        (await new ApiClient(system.gatewayUrl).as('otherTenantAdmin').get('/v1/devices/list-a')).status,
      ).toBe(404);
    });

    it('lists the devices stored before the devices list existed, once a leader backfilled it', async () => {
      const reader = api.as('read');
      const listAll = async () => {
        const ids: string[] = [];
        let cursor = '';
        do {
          const page = (await reader.get(`/v1/devices?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
          ids.push(...page.data.map((d: { id: string }) => d.id));
          cursor = page.next_cursor ?? '';
        } while (cursor);
        return ids;
      };
      const before = await listAll();
      expect(before.length).toBeGreaterThanOrEqual(8);
      await system.kill('connection-tracker');
      const mongo = await MongoClient.connect(system.mongo.url);
      try {
        // What a store written before this version holds: devices, and no list.
        await mongo.db().collection('devices_list').drop();
        expect(
          await mongo.db().collection('devices').countDocuments({ tenant: 'acme' }),
        ).toBeGreaterThanOrEqual(before.length);
      } finally {
        await mongo.close();
      }
      await system.restart('connection-tracker');
      await eventually(async () => expect(await listAll()).toEqual(before));
    });
  });
});
