import { randomUUID } from 'node:crypto';

export const BENCH_TENANT = 'bench';
export const BENCH_KEY = 'bench-admin-key-000000000000001';
export const BENCH_API_KEYS = JSON.stringify([
  { key: BENCH_KEY, tenant: BENCH_TENANT, scopes: ['ingest', 'read', 'admin'] },
]);

const PLATFORMS = ['web', 'ios', 'android'];

/** The `session.created` data of a realistic session: device details, custom data, tags. */
export function sessionData(i: number): Record<string, unknown> {
  return {
    device_id: `device-${i}`,
    device: {
      device_locale: 'en-GB',
      os_version: '17.4',
      app_id: 'com.example.shop',
      app_name: 'Example Shop',
      app_version: '5.12.0',
      sdk_version: '3.2.1',
      platform: PLATFORMS[i % 3],
    },
    custom_data: { customer_id: `C-${100000 + i}`, plan: i % 5 === 0 ? 'gold' : 'basic', region: 'eu' },
    tags: i % 2 ? ['support'] : ['sales', 'premium'],
    source: 'bench',
    start_url: `https://shop.example/products/${i % 1000}`,
  };
}

let counter = 0;

/** A `POST /v1/events` item creating a new session; its id is chosen here so the bench knows it. */
export function createdEvent(): { session_id: string; item: Record<string, unknown> } {
  const sessionId = randomUUID();
  return {
    session_id: sessionId,
    item: { type: 'session.created', session_id: sessionId, data: sessionData(counter++) },
  };
}

export function batchBody(size: number): { ids: string[]; body: string } {
  const events = Array.from({ length: size }, () => createdEvent());
  return {
    ids: events.map((e) => e.session_id),
    body: JSON.stringify({ events: events.map((e) => e.item) }),
  };
}

export function singleBody(): { id: string; body: string } {
  const id = randomUUID();
  return { id, body: JSON.stringify({ session_id: id, ...sessionData(counter++) }) };
}
