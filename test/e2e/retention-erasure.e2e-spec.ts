import { MongoClient } from 'mongodb';
import { connect, type NatsConnection } from 'nats';
import { TENANT_EVENTS_STREAM } from '@cobrowse/contracts';
import { storedPageRows } from '@cobrowse/persistence';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';

const DAY = 24 * 3600;

/** SPEC section 5 (Retention and erasure): per-tenant TTLs applied by sweepers, and erasure of a device. */
describe('retention and erasure', () => {
  let system: TestSystem;
  let api: ApiClient;
  let nc: NatsConnection;
  /** Tenant acme's subscriber: reads its account's copy of the tenant's events. */
  let acme: NatsConnection;
  let mongo: MongoClient;
  /** The devices the devices list has a row for: read from its pages, not through the API. */
  const devicesListed = async (tenant = 'acme') => {
    const ids: string[] = [];
    for (const page of await mongo.db().collection('devices_list').find({ tenant }).toArray())
      if (page.n !== undefined) ids.push(...storedPageRows<{ id: string }>(page).map((row) => row.id));
    return ids;
  };

  /** The sessions posted under any list term of the tenant: read from the postings, not through the API. */
  const sessionsPosted = async (tenant = 'acme') => {
    const ids: string[] = [];
    for (const { name } of await mongo.db().listCollections({}, { nameOnly: true }).toArray())
      if (name.endsWith('_postings'))
        for (const document of await mongo.db().collection(name).find({}).toArray())
          if (String(document.tenant).startsWith(`${tenant}|`))
            ids.push(...storedPageRows<[number, string]>(document).map(([, id]) => id));
    return ids;
  };

  const createSession = async (deviceId: string, as: 'ingest' | 'otherTenantAdmin' = 'ingest') => {
    const created = await api
      .as(as)
      .post('/v1/sessions', { device_id: deviceId, custom_data: { email: 'x@y.z' } });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const end = async (id: string, as: 'ingest' | 'otherTenantAdmin' = 'ingest') =>
    expect((await api.as(as).post(`/v1/sessions/${id}/deactivate`, { reason: 'agent' })).status).toBe(200);
  const projected = (id: string, as: 'read' | 'otherTenantAdmin' = 'read') =>
    eventually(async () => {
      const r = await api.as(as).get(`/v1/sessions/${id}`);
      expect(r.status).toBe(200);
      return r.body;
    });
  const putRetention = (ended: number, device: number, as: 'admin' | 'otherTenantAdmin' = 'admin') =>
    api
      .as(as)
      .request('PUT', '/v1/retention', { ended_session_ttl_seconds: ended, device_ttl_seconds: device });

  beforeAll(async () => {
    system = await TestSystem.start({ env: { RETENTION_SWEEP_INTERVAL_MS: '500' } });
    api = new ApiClient(system.gatewayUrl);
    nc = await connect(system.natsAs('services'));
    acme = await connect(system.natsAs('subscriber-acme'));
    mongo = await MongoClient.connect(system.mongo.url);
  });

  afterAll(async () => {
    await acme?.close();
    await mongo?.close();
    await nc?.close();
    await system?.stop();
  });

  describe('retention', () => {
    it('has the SPEC defaults, validates a new policy, and is admin-only and per tenant', async () => {
      expect((await api.as('admin').get('/v1/retention')).body).toEqual({
        ended_session_ttl_seconds: 14 * DAY,
        device_ttl_seconds: 30 * DAY,
      });
      const bad = await api.as('admin').request('PUT', '/v1/retention', { ended_session_ttl_seconds: 0 });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_RETENTION_POLICY');
      expect(bad.body.details).toEqual([
        'ended_session_ttl_seconds must be a whole number of seconds, at least 1',
        'device_ttl_seconds is required',
      ]);
      const beyondTheLog = await putRetention(400 * DAY, DAY);
      expect(beyondTheLog.status).toBe(400);
      expect((await api.as('read').get('/v1/retention')).status).toBe(403);
      expect((await api.as('read').request('PUT', '/v1/retention', {})).status).toBe(403);
      expect((await api.get('/v1/retention')).status).toBe(401);

      expect((await putRetention(7 * DAY, 9 * DAY)).body).toEqual({
        ended_session_ttl_seconds: 7 * DAY,
        device_ttl_seconds: 9 * DAY,
      });
      expect((await api.as('admin').get('/v1/retention')).body.ended_session_ttl_seconds).toBe(7 * DAY);
      expect((await api.as('otherTenantAdmin').get('/v1/retention')).body.ended_session_ttl_seconds).toBe(
        14 * DAY,
      );
    });

    it('removes an ended session within a sweep of a 1-second TTL, keeps open ones and other tenants’, and recomputes expires_at', async () => {
      const ended = await createSession('retention-ended-device');
      await end(ended);
      const open = await createSession('retention-open-device');
      const globexEnded = await createSession('globex-device', 'otherTenantAdmin');
      await end(globexEnded, 'otherTenantAdmin');
      const before = await eventually(async () => {
        const s = await projected(ended);
        expect(s.state).toBe('ended');
        return s;
      });
      const endedAt = Date.parse(before.expires_at) - 7 * DAY * 1000;
      expect((await projected(open)).expires_at).toBeNull();
      await projected(globexEnded, 'otherTenantAdmin');
      expect(await sessionsPosted()).toContain(ended);

      expect((await putRetention(3600, 9 * DAY)).status).toBe(200);
      expect(Date.parse((await projected(ended)).expires_at)).toBe(endedAt + 3600_000);
      expect((await putRetention(1, 9 * DAY)).status).toBe(200);
      await eventually(async () =>
        expect((await api.as('read').get(`/v1/sessions/${ended}`)).status).toBe(404),
      );
      expect((await api.as('read').get(`/v1/sessions/${open}`)).status).toBe(200);
      expect((await api.as('otherTenantAdmin').get(`/v1/sessions/${globexEnded}`)).status).toBe(200);
      expect(await sessionsPosted()).not.toContain(ended);
      expect(await sessionsPosted()).toContain(open);

      const health = (await api.get('/health')).body.services['history-projector'].details;
      expect(health.retention_purged_total).toBeGreaterThanOrEqual(1);
      expect(health.retention_last_sweep_at).toEqual(expect.any(String));
      // The log keeps it: it outlives the read models (EVENTS_MAX_AGE_DAYS).
      expect(await readEventLog(nc, `cobrowse.acme.session.${ended}.*`)).toHaveLength(2);
    });

    it('removes a device not seen for its TTL, never one in an open session', async () => {
      expect((await putRetention(9 * DAY, 9 * DAY)).status).toBe(200);
      expect(
        (await api.as('ingest').post('/v1/devices/quiet-device/connections', { connection_id: 't1' })).status,
      ).toBe(201);
      expect(
        (await api.as('ingest').request('DELETE', '/v1/devices/quiet-device/connections/t1', {})).status,
      ).toBe(200);
      const busy = await createSession('busy-device');
      const device = await eventually(async () => {
        const r = await api.as('read').get('/v1/devices/quiet-device');
        expect(r.status).toBe(200);
        expect(r.body.connections[0].status).toBe('disconnected');
        return r.body;
      });
      expect(Date.parse(device.expires_at)).toBe(Date.parse(device.last_seen_at) + 9 * DAY * 1000);
      await eventually(async () => expect(await devicesListed()).toContain('quiet-device'));
      await eventually(async () =>
        expect((await api.as('read').get('/v1/devices/busy-device')).status).toBe(200),
      );

      expect((await putRetention(9 * DAY, 1)).status).toBe(200);
      await eventually(async () =>
        expect((await api.as('read').get('/v1/devices/quiet-device')).status).toBe(404),
      );
      expect((await api.as('read').get('/v1/devices/busy-device')).body.current_session_id).toBe(busy);
      expect(await devicesListed()).not.toContain('quiet-device');
      expect(await devicesListed()).toContain('busy-device');
      const tracker = (await api.get('/health')).body.services['connection-tracker'].details;
      expect(tracker.retention_purged_total).toBeGreaterThanOrEqual(1);
      expect((await putRetention(14 * DAY, 30 * DAY)).status).toBe(200);
    });
  });

  describe('erasure', () => {
    it('erases the logged facts of a device that retention already removed', async () => {
      expect((await api.as('read').get('/v1/devices/quiet-device')).status).toBe(404);
      const erased = await api.as('admin').request('DELETE', '/v1/devices/quiet-device');
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({ session_ids: [], log_messages_purged: 2 });
      expect(await readEventLog(nc, 'cobrowse.acme.device.quiet-device.*')).toEqual([]);
      expect((await api.as('admin').request('DELETE', '/v1/devices/quiet-device')).status).toBe(404);
    });

    it('erases a device and all its sessions from read models and the log, keeps an audit record, and a rebuild brings nothing back', async () => {
      const device = 'erase-me';
      expect(
        (await api.as('ingest').post(`/v1/devices/${device}/connections`, { connection_id: 'tab' })).status,
      ).toBe(201);
      const endedSession = await createSession(device);
      await end(endedSession);
      const openSession = await createSession(device);
      const otherSession = await createSession('keep-me');
      const globexSameDevice = await createSession(device, 'otherTenantAdmin');
      for (const id of [endedSession, openSession, otherSession]) await projected(id);
      await projected(globexSameDevice, 'otherTenantAdmin');
      await eventually(async () => expect(await devicesListed()).toContain(device));
      await eventually(async () => expect(await devicesListed('globex')).toContain(device));
      expect(await sessionsPosted()).toEqual(expect.arrayContaining([endedSession, openSession]));
      const tenantCopy = (filter: string) => readEventLog(acme, filter, TENANT_EVENTS_STREAM);
      await eventually(async () =>
        expect(await tenantCopy(`cobrowse.acme.session.${openSession}.*`)).toHaveLength(1),
      );

      expect((await api.as('read').request('DELETE', `/v1/devices/${device}`)).status).toBe(403);
      expect((await api.as('otherTenantAdmin').request('DELETE', '/v1/devices/keep-me')).status).toBe(404);

      const erased = await api.as('admin').request('DELETE', `/v1/devices/${device}`);
      expect(erased.status).toBe(200);
      expect(erased.body).toMatchObject({
        tenant: 'acme',
        device_id: device,
        session_ids: [endedSession, openSession].sort(),
        requested_by: expect.any(String),
        erased_at: expect.any(String),
      });
      expect(erased.body.log_messages_purged).toBe(4); // created + deactivated, created, connection-opened
      expect(JSON.stringify(erased.body)).not.toContain('acme-admin-key');

      const gone = async () => {
        for (const id of [endedSession, openSession])
          expect((await api.as('read').get(`/v1/sessions/${id}`)).status).toBe(404);
        expect((await api.as('read').get(`/v1/devices/${device}`)).status).toBe(404);
        expect(await devicesListed()).not.toContain(device);
        expect(await devicesListed('globex')).toContain(device);
        expect(await sessionsPosted()).not.toContain(endedSession);
        expect(await sessionsPosted()).not.toContain(openSession);
        expect(await sessionsPosted('globex')).toContain(globexSameDevice);
        expect((await api.as('read').get(`/v1/sessions?device_id=${device}`)).body.data).toEqual([]);
        expect(await readEventLog(nc, `cobrowse.acme.session.${endedSession}.*`)).toEqual([]);
        expect(await readEventLog(nc, `cobrowse.acme.session.${openSession}.*`)).toEqual([]);
        expect(await readEventLog(nc, `cobrowse.acme.device.${device}.*`)).toEqual([]);
        // The tenant's own copy too (SPEC section 4), and nothing else of it.
        for (const subject of [`session.${endedSession}.*`, `session.${openSession}.*`, `device.${device}.*`])
          expect(await tenantCopy(`cobrowse.acme.${subject}`)).toEqual([]);
        expect(await tenantCopy(`cobrowse.acme.session.${otherSession}.*`)).toHaveLength(1);
        expect((await api.as('read').get(`/v1/sessions/${otherSession}`)).status).toBe(200);
        expect((await api.as('otherTenantAdmin').get(`/v1/sessions/${globexSameDevice}`)).status).toBe(200);
      };
      await gone();
      expect((await api.as('admin').request('DELETE', `/v1/devices/${device}`)).status).toBe(404);
      expect(
        (await api.as('ingest').post(`/v1/sessions/${openSession}/pages`, { url: 'https://a.test/' })).status,
      ).toBe(404);

      const audit = await mongo
        .db()
        .collection('erasure_audit')
        .findOne({ erasure_id: erased.body.erasure_id });
      expect(audit).toMatchObject({ device_id: device, session_ids: erased.body.session_ids });
      expect(JSON.stringify(audit)).not.toContain('x@y.z');

      await system.rebuild();
      await gone();
    });
  });
});
