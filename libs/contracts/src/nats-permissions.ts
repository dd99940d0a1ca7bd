import {
  DEAD_LETTER_STREAM,
  EVENTS_STREAM,
  INGEST_SUBJECT,
  INTERNAL_PREFIX,
  SERVICE_CONSUMERS,
  tenantSubjects,
} from './subjects';

/** A NATS user's permissions, in the shape of the server configuration's `permissions` block. */
export interface NatsPermissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
  /** Lets the user answer requests it received, whatever their reply subject. */
  allow_responses?: boolean;
}

/** The identities of SPEC section 4; a subscriber is one per tenant. */
export type NatsIdentityKind = 'services' | 'relay' | 'subscriber';

/**
 * Reply inboxes of the outside identities: each gets its own prefix, so none can read the
 * replies meant for another (the default `_INBOX.>` would expose every service reply).
 */
export const RELAY_INBOX_PREFIX = '_INBOX_relay';
export function subscriberInboxPrefix(tenant: string): string {
  return `_INBOX_sub_${tenant}`;
}

/**
 * The four services: the log and its live subjects, the internal subjects, JetStream and KV
 * APIs, and replies. Nothing else (no other stream's subjects, no other account).
 */
export function servicesPermissions(): NatsPermissions {
  const subjects = [
    'cobrowse.>',
    `${INTERNAL_PREFIX}.>`,
    '$JS.API.>',
    '$JS.ACK.>',
    '$JS.FC.>',
    '$KV.>',
    '_INBOX.>',
  ];
  return {
    publish: { allow: subjects },
    subscribe: { allow: subjects },
    // Relays and subscribers ask with their own inboxes; the services answer those too.
    allow_responses: true,
  };
}

/** A relay: request on `cobrowse.ingest` and receive the reply; nothing else. */
export function relayPermissions(): NatsPermissions {
  return {
    publish: { allow: [INGEST_SUBJECT] },
    subscribe: { allow: [`${RELAY_INBOX_PREFIX}.>`] },
  };
}

/**
 * A subscriber of one tenant: that tenant's subjects live, and push consumers of its own on
 * the event log filtered to them (the filter is part of the consumer-create subject, and the
 * server checks the consumer's filter against it). It cannot publish into the log, read
 * another tenant, fetch by sequence, or touch the services' durable consumers. Pull consumers
 * are not offered: the pull subject names only the consumer, so it could not be kept to one
 * tenant's consumers.
 */
export function subscriberPermissions(tenant: string): NatsPermissions {
  const consumerApi = (op: string) => `$JS.API.CONSUMER.${op}.${EVENTS_STREAM}`;
  const serviceConsumers = SERVICE_CONSUMERS.flatMap((c) => [
    `${consumerApi('CREATE')}.${c}.>`,
    `${consumerApi('INFO')}.${c}`,
    `${consumerApi('DELETE')}.${c}`,
    `$JS.ACK.${EVENTS_STREAM}.${c}.>`,
  ]);
  return {
    publish: {
      allow: [
        '$JS.API.INFO',
        `$JS.API.STREAM.INFO.${EVENTS_STREAM}`,
        `${consumerApi('CREATE')}.*.${tenantSubjects(tenant)}`,
        `${consumerApi('INFO')}.*`,
        `${consumerApi('DELETE')}.*`,
        `$JS.ACK.${EVENTS_STREAM}.>`,
        `$JS.FC.${EVENTS_STREAM}.>`,
      ],
      deny: [...serviceConsumers, `$JS.API.STREAM.INFO.${DEAD_LETTER_STREAM}`],
    },
    subscribe: { allow: [tenantSubjects(tenant), `${subscriberInboxPrefix(tenant)}.>`] },
  };
}
