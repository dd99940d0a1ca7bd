import type { NatsConnection, Subscription } from 'nats';
import type { EraseSessionsRequest } from '@cobrowse/contracts';

/** Session ids per announcement: well inside NATS's default 1 MB message. */
const IDS_PER_MESSAGE = 1_000;

/**
 * Announces sessions an erasure removed on a core NATS subject (no reply; a listener that was
 * not connected misses it, so each listener says what it does about that), in chunks.
 */
export async function announceErasedSessions(
  nc: NatsConnection,
  subject: string,
  { tenant, session_ids: ids }: EraseSessionsRequest,
): Promise<void> {
  for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
    const chunk: EraseSessionsRequest = { tenant, session_ids: ids.slice(i, i + IDS_PER_MESSAGE) };
    nc.publish(subject, JSON.stringify(chunk));
  }
  await nc.flush();
}

/** Hears such announcements (every subscriber, no queue group); anything malformed is ignored. */
export function onErasedSessions(
  nc: NatsConnection,
  subject: string,
  handle: (erased: EraseSessionsRequest) => void,
): Subscription {
  return nc.subscribe(subject, {
    callback: (_err, m) => {
      let erased: EraseSessionsRequest;
      try {
        erased = m.json<EraseSessionsRequest>();
      } catch {
        return;
      }
      if (typeof erased?.tenant !== 'string' || !Array.isArray(erased.session_ids)) return;
      handle({ tenant: erased.tenant, session_ids: erased.session_ids.map(String) });
    },
  });
}
