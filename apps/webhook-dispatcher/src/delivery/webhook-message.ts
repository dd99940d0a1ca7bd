import type { LoggedEvent, SessionResource } from '@cobrowse/contracts';

/** What one endpoint is sent for one event: the same id and body on every attempt. */
export interface WebhookMessage {
  /** `webhook-id`: stable across retries and replays of this event to this endpoint. */
  id: string;
  type: string;
  body: string;
  /** The event's log position (null: a test delivery). */
  position: number | null;
}

/**
 * The delivery of a logged event: body `{type, timestamp, data}` with `data` the envelope and
 * its position, and the session as of the event when the endpoint asks for it.
 */
export function webhookMessage(
  endpointId: string,
  event: LoggedEvent,
  position: number,
  session?: SessionResource,
): WebhookMessage {
  return {
    id: `msg_${endpointId}_${position}`,
    type: event.type,
    position,
    body: JSON.stringify({
      type: event.type,
      timestamp: new Date(event.recorded_at).toISOString(),
      data: { ...event, position, ...(session ? { session } : {}) },
    }),
  };
}

/** A `webhook.test` delivery (never in the log): its own id each time. */
export function testMessage(endpointId: string, tenant: string, now: number): WebhookMessage {
  const id = `msg_${endpointId}_test_${now.toString(36)}`;
  return {
    id,
    type: 'webhook.test',
    position: null,
    body: JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date(now).toISOString(),
      data: {
        tenant,
        endpoint_id: endpointId,
        message: 'a test delivery from the co-browse session service',
      },
    }),
  };
}
