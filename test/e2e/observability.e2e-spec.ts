import { randomUUID } from 'node:crypto';
import { SERVICE_NAMES, type ServiceName } from '@cobrowse/contracts';
import {
  ApiClient,
  eventually,
  metricValue,
  scrapeMetrics,
  SseClient,
  TEST_KEYS,
  TestSystem,
  type Sample,
} from '@cobrowse/testing';

/** Per-process probes and Prometheus metrics (SPEC section 8, "Observability"), two replicas of the stateful services. */
describe('probes and metrics', () => {
  let system: TestSystem;
  let api: ApiClient;
  const REPLICAS: Record<ServiceName, number> = {
    gateway: 1,
    'session-lifecycle': 1,
    'history-projector': 2,
    'connection-tracker': 2,
    'webhook-dispatcher': 1,
  };
  const every = SERVICE_NAMES.flatMap((service) =>
    Array.from({ length: REPLICAS[service] }, (_, i) => [service, i + 1] as const),
  );

  beforeAll(async () => {
    system = await TestSystem.start({ replicas: REPLICAS });
    api = new ApiClient(system.gatewayUrl).as('ingest');
  });

  afterAll(async () => {
    await system?.stop();
  });

  const probe = async (service: ServiceName, replica: number, path: '/livez' | '/readyz') => {
    const response = await fetch(`${system.probeUrl(service, replica)}${path}`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
  };
  const metrics = (service: ServiceName, replica = 1) => scrapeMetrics(system.probeUrl(service, replica));
  const sumOver = async (service: ServiceName, name: string, labels: Record<string, string>) => {
    let sum = 0;
    for (let r = 1; r <= REPLICAS[service]; r++) sum += metricValue(await metrics(service, r), name, labels);
    return sum;
  };

  it('every process answers liveness, readiness and metrics without an API key, labelled with its service', async () => {
    for (const [service, replica] of every) {
      expect((await probe(service, replica, '/livez')).status).toBe(200);
      const ready = await eventually(async () => {
        const answer = await probe(service, replica, '/readyz');
        expect(answer.status).toBe(200);
        return answer.body.checks;
      });
      expect(ready).toMatchObject({ started: 'ok', nats: 'ok' });
      if (service === 'history-projector' || service === 'connection-tracker')
        expect(ready).toMatchObject({ database: 'ok', [`consumer ${service}`]: 'ok' });

      const response = await fetch(`${system.probeUrl(service, replica)}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = await metrics(service, replica);
      expect(metricValue(samples, 'process_cpu_seconds_total', { service })).toBeGreaterThan(0);
      expect(samples.every((s) => s.labels.service === service)).toBe(true);
    }
  });

  it('counts requests by route pattern and facts by type and code, and no label names a tenant, session or device', async () => {
    const deviceId = `device-${randomUUID()}`;
    const created = await api.post('/v1/sessions', { device_id: deviceId });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const unknown = randomUUID();
    expect((await api.post(`/v1/sessions/${unknown}/pages`, { url: 'https://a.test/' })).status).toBe(404);
    await eventually(async () => expect((await api.as('read').get(`/v1/sessions/${id}`)).status).toBe(200));
    const batch = await api.post('/v1/events', { events: [{ type: 'no.such.type', event_id: 'x' }] });
    expect(batch.body.results[0].status).toBe('rejected');

    await eventually(async () => {
      const gateway = await metrics('gateway');
      expect(
        metricValue(gateway, 'cobrowse_http_requests_total', { route: '/v1/sessions/:id', status: '200' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        metricValue(gateway, 'cobrowse_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/v1/sessions/:id/pages',
          status: '404',
        }),
      ).toBe(1);
      expect(
        metricValue(gateway, 'cobrowse_events_rejected_total', {
          type: 'invalid',
          code: 'VALIDATION_FAILED',
        }),
      ).toBe(1);
      expect(
        metricValue(gateway, 'cobrowse_nats_request_duration_seconds_count', { target: 'session-lifecycle' }),
      ).toBeGreaterThanOrEqual(1);
      const lifecycle = await metrics('session-lifecycle');
      expect(metricValue(lifecycle, 'cobrowse_events_appended_total', { type: 'session.created' })).toBe(1);
      expect(
        metricValue(lifecycle, 'cobrowse_events_rejected_total', {
          type: 'session.page-entered',
          code: 'SESSION_NOT_FOUND',
        }),
      ).toBe(1);
      expect(
        metricValue(lifecycle, 'cobrowse_nats_request_duration_seconds_count', { target: 'jetstream' }),
      ).toBeGreaterThanOrEqual(1);
    });

    const pages = await Promise.all(
      every.map(([service, replica]) => fetch(`${system.probeUrl(service, replica)}/metrics`)),
    );
    for (const page of pages) {
      const text = await page.text();
      for (const secret of [id, unknown, deviceId, 'acme', TEST_KEYS.ingest])
        expect(text).not.toContain(secret);
    }
  });

  it('the stateful services report consumer state, projection delay and steps, database latency and exactly one lease holder each', async () => {
    const created = await api.post('/v1/sessions', { device_id: `device-${randomUUID()}` });
    expect(created.status).toBe(201);
    for (const service of ['history-projector', 'connection-tracker'] as const) {
      await eventually(async () => {
        expect(await sumOver(service, 'cobrowse_lease_holder', { lease: service })).toBe(1);
        expect(
          await sumOver(service, 'cobrowse_projection_delay_seconds_count', { consumer: service }),
        ).toBeGreaterThanOrEqual(1);
        expect(
          await sumOver(service, 'cobrowse_database_operation_duration_seconds_count', { outcome: 'ok' }),
        ).toBeGreaterThan(0);
        if (service === 'history-projector')
          for (const step of ['fold', 'write', 'list'])
            expect(
              await sumOver(service, 'cobrowse_projection_step_duration_seconds_count', { step }),
            ).toBeGreaterThanOrEqual(1);
      });
      const samples: Sample[] = await metrics(service, 1);
      for (const gauge of [
        'cobrowse_consumer_pending_messages',
        'cobrowse_consumer_ack_pending_messages',
        'cobrowse_consumer_redelivered_messages',
        'cobrowse_consumer_parked_events',
      ])
        expect(samples.some((s) => s.name === gauge && s.labels.consumer === service)).toBe(true);
    }
  });

  it('counts open live streams by kind', async () => {
    const gaugeOf = async () =>
      metricValue(await metrics('gateway'), 'cobrowse_sse_clients', { stream: 'tenant' });
    const before = await gaugeOf();
    const stream = await SseClient.open(`${system.gatewayUrl}/v1/stream`, {
      authorization: `Bearer ${TEST_KEYS.read}`,
    });
    expect(stream.status).toBe(200);
    await eventually(async () => expect(await gaugeOf()).toBe(before + 1));
    stream.close();
    await eventually(async () => expect(await gaugeOf()).toBe(before));
  });

  it('a process whose database or NATS is gone is not ready, stays live, and is ready again once they are back', async () => {
    await system.killDatabase();
    await eventually(async () => {
      const answer = await probe('history-projector', 1, '/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body.checks.database).not.toBe('ok');
    });
    expect((await probe('history-projector', 1, '/livez')).status).toBe(200);
    expect((await probe('session-lifecycle', 1, '/readyz')).status).toBe(200);
    await system.startDatabase();
    await eventually(
      async () => expect((await probe('history-projector', 1, '/readyz')).status).toBe(200),
      60_000,
    );

    await system.killNats();
    await eventually(async () => {
      const answer = await probe('session-lifecycle', 1, '/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body.checks.nats).not.toBe('ok');
    });
    expect((await probe('session-lifecycle', 1, '/livez')).status).toBe(200);
    await system.startNats();
    for (const [service, replica] of every)
      await eventually(
        async () => expect((await probe(service, replica, '/readyz')).status).toBe(200),
        60_000,
      );
  });
});
