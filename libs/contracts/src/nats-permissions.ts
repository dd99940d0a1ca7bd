import { INGEST_SUBJECT, INTERNAL_PREFIX, TENANT_EVENTS_STREAM, tenantSubjects } from './subjects';

/** A NATS user's permissions, in the shape of the server configuration's `permissions` block. */
export interface NatsPermissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
  /** Lets the user answer requests it received, whatever their reply subject. */
  allow_responses?: boolean;
}

/**
 * The services, in their own account: the log and its live subjects, the internal subjects,
 * the JetStream and KV APIs (their account's, and the imported ones of the tenants' streams)
 * and replies. Relays and subscribers are in other accounts: what they send reaches the
 * services only through an import (docs/events.md, "Who may do what on NATS").
 */
export function servicesPermissions(): NatsPermissions {
  const subjects = ['cobrowse.>', `${INTERNAL_PREFIX}.>`, '$JS.>', '$KV.>', '_INBOX.>'];
  return {
    publish: { allow: subjects },
    subscribe: { allow: subjects },
    // Requests imported from the tenants' accounts arrive with the server's own reply subjects.
    allow_responses: true,
  };
}

/** A tenant's relay, in its tenant's relays account: request on `cobrowse.ingest`, read its replies. */
export function relayPermissions(): NatsPermissions {
  return {
    publish: { allow: [INGEST_SUBJECT] },
    subscribe: { allow: ['_INBOX.>'] },
  };
}

/**
 * A tenant's subscriber, in its tenant's account: its tenant's subjects live, and consumers of
 * its own (push or pull) on the stream the services keep there. It cannot publish into the
 * log (nothing in its account leads there), create or change streams, or use the imports
 * the stream's source needs (their subjects are not in the list).
 */
export function subscriberPermissions(tenant: string): NatsPermissions {
  const stream = TENANT_EVENTS_STREAM;
  return {
    publish: {
      allow: [
        '$JS.API.INFO',
        '$JS.API.STREAM.NAMES',
        '$JS.API.STREAM.LIST',
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        `$JS.API.CONSUMER.*.${stream}`,
        `$JS.API.CONSUMER.*.${stream}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
        `$JS.ACK.${stream}.>`,
        `$JS.FC.${stream}.>`,
      ],
    },
    subscribe: { allow: [tenantSubjects(tenant), '_INBOX.>'] },
  };
}
