import { parseSessionEvent, sessionEventsFilter } from '@cobrowse/contracts';
import type { EventLog } from '@cobrowse/messaging';

/**
 * The sessions a device created, found in the log itself (a read model may already have
 * forgotten some): every `created` event of the tenant, read by batched direct get, keeping
 * only ids and tokens. Costs one pass over the tenant's creations.
 */
export async function deviceSessionsInLog(
  log: EventLog,
  tenant: string,
  deviceId: string,
): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  let next = 1;
  for (;;) {
    const { events, pending } = await log.read(sessionEventsFilter(tenant, '*', 'created'), next, 1024);
    for (const stored of events) {
      const parsed = parseSessionEvent(stored.data);
      if ('reason' in parsed || parsed.event.type !== 'session.created') continue; // nothing of the device
      const { session_id, data } = parsed.event;
      if (data.device_id === deviceId) found.set(session_id, data.token ?? null);
    }
    if (pending <= 0 || events.length === 0) return found;
    next = events[events.length - 1].seq + 1;
  }
}
