import type { NatsConnection } from 'nats';
import { EVENTS_STREAM, sessionEventsFilter, type EventEnvelope } from '@cobrowse/contracts';
import { readBatch } from '@cobrowse/messaging';

/**
 * The sessions a device created, found in the log itself (a read model may already have
 * forgotten some): every `created` event of the tenant, read by batched direct get, keeping
 * only ids and tokens. Costs one pass over the tenant's creations.
 */
export async function deviceSessionsInLog(
  nc: NatsConnection,
  tenant: string,
  deviceId: string,
): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  let next = 1;
  for (;;) {
    const { events, pending } = await readBatch(
      nc,
      EVENTS_STREAM,
      sessionEventsFilter(tenant, '*', 'created'),
      next,
      1024,
    );
    for (const stored of events) {
      try {
        const event = JSON.parse(
          Buffer.from(stored.data).toString('utf8'),
        ) as EventEnvelope<'session.created'>;
        if (event.data?.device_id === deviceId) found.set(event.session_id, event.data.token ?? null);
      } catch {
        /* not an event: nothing of the device */
      }
    }
    if (pending <= 0 || events.length === 0) return found;
    next = events[events.length - 1].seq + 1;
  }
}
