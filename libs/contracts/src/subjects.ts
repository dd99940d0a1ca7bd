import { isTenantId } from './tenancy';
import type { SessionEventType } from './events';

/** JetStream stream holding the immutable event log. */
export const EVENTS_STREAM = 'COBROWSE_EVENTS';
/** Every session event of every tenant: cobrowse.<tenant>.session.<session_id>.<event>. */
export const SESSION_EVENTS_WILDCARD = 'cobrowse.*.session.*.*';
/** Every connection fact: cobrowse.<tenant>.device.<device_id>.connection-<opened|heartbeat|closed>. */
export const DEVICE_EVENTS_WILDCARD = 'cobrowse.*.device.*.*';

/** Every connection fact of one device. */
export function deviceFactsSubject(tenant: string, deviceId: string): string {
  return `cobrowse.${tenant}.device.${deviceId}.*`;
}

export function deviceEventSubject(tenant: string, deviceId: string, type: string): string {
  return `cobrowse.${tenant}.device.${deviceId}.${type.replace('.', '-')}`;
}

/**
 * Every subject only the services use starts with this; no outside identity may publish or
 * subscribe under it (libs/contracts/src/nats-permissions.ts).
 */
export const INTERNAL_PREFIX = 'cobrowse-svc';

/** Poison events parked by a consumer, with the reason in a header: cobrowse-svc.dlq.<consumer>. */
export const DEAD_LETTER_STREAM = 'COBROWSE_DEAD_LETTERS';
export const DEAD_LETTER_WILDCARD = `${INTERNAL_PREFIX}.dlq.>`;
export function deadLetterSubject(consumer: string): string {
  return `${INTERNAL_PREFIX}.dlq.${consumer}`;
}

/** Announcements among the services (core NATS, no reply). */
export const INTERNAL_SUBJECTS = {
  /** A rebuild asks the projector's leader to step down (payload: how long to stay away, ms). */
  projectorStepDown: `${INTERNAL_PREFIX}.projector.step-down`,
  /** Rows of erased sessions for the projector's leader to remove from the list (it alone writes the list). */
  projectorListRemove: `${INTERNAL_PREFIX}.projector.list-remove`,
  /** Rows of erased devices for the tracker's leader to remove from the devices list (it alone writes it). */
  trackerListRemove: `${INTERNAL_PREFIX}.tracker.list-remove`,
  /**
   * Sessions an erasure removed from the log, for every session-lifecycle replica to drop from
   * its cache (payload: EraseSessionsRequest; the forget request itself reaches one replica).
   */
  lifecycleSessionsForgotten: `${INTERNAL_PREFIX}.lifecycle.sessions-forgotten`,
  /**
   * Sessions an erasure removed from the sessions read model, for a rebuild under way to
   * remove from the generation it builds (payload: EraseSessionsRequest).
   */
  projectorSessionsErased: `${INTERNAL_PREFIX}.projector.sessions-erased`,
  /** An endpoint was created, changed or deleted (payload: {tenant, id}): the dispatcher's leader follows it. */
  webhookEndpointChanged: `${INTERNAL_PREFIX}.webhooks.endpoint-changed`,
  /** A test delivery for the dispatcher's leader to send (payload: {tenant, id, webhook_id, at}). */
  webhookSendTest: `${INTERNAL_PREFIX}.webhooks.send-test`,
  /** A rebuild switched the sessions read model (payload: the new collection). */
  readModelSwitched: `${INTERNAL_PREFIX}.projector.read-model-switched`,
} as const;

/**
 * The durable consumers the services own on the event log (each also names its lease and its
 * dead letters); outside identities never touch them.
 */
export const CONSUMERS = { projector: 'history-projector', tracker: 'connection-tracker' } as const;
export const SERVICE_CONSUMERS = Object.values(CONSUMERS);

/** Every event of one tenant in the log, and its live subjects: what a tenant's subscriber may read. */
export function tenantSubjects(tenant: string): string {
  return `cobrowse.${tenant}.>`;
}

/** What a log subject says: `cobrowse.<tenant>.session.<id>.<event>` or `cobrowse.<tenant>.device.<id>.<fact>`. */
export interface LogSubject {
  tenant: string;
  kind: 'session' | 'device';
  id: string;
  event: string;
}

/** Parses a log subject; null for anything else (a live session-updated subject included). */
export function parseLogSubject(subject: string): LogSubject | null {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== 'cobrowse') return null;
  const [, tenant, kind, id, event] = parts;
  if ((kind !== 'session' && kind !== 'device') || !tenant || !id || !event) return null;
  return { tenant, kind, id, event };
}

/** The service an RPC subject is served by (`cobrowse-svc.<service>.…`), for messages about it. */
export function rpcServiceOf(subject: string): string {
  return subject.startsWith(`${INTERNAL_PREFIX}.`) ? (subject.split('.')[1] ?? subject) : subject;
}

/** JetStream's direct read of a stream's messages (by sequence, or the next on a subject). */
export function directGetSubject(stream: string): string {
  return `$JS.API.DIRECT.GET.${stream}`;
}

/** KV bucket of the leases that make one replica of the projector and of the tracker the leader. */
export const LEASES_BUCKET = 'cobrowse_leases';

/** KV bucket recording which connection facts (by event_id) are in the log, for as long as the log keeps them. */
export const CONNECTION_FACTS_BUCKET = 'cobrowse_connection_facts';

/** KV bucket of the JWT issuers tenants trust (SPEC section 12), and which tenant claims each iss + aud. */
export const AUTH_ISSUERS_BUCKET = 'cobrowse_auth_issuers';

/** The audit of administrative actions: a stream, one subject per tenant (SPEC section 12). */
export const AUDIT_STREAM = 'COBROWSE_AUDIT';
export function auditSubject(tenant: string): string {
  return `${INTERNAL_PREFIX}.audit.${tenant}`;
}

/** KV bucket reserving session tokens among a tenant's non-ended sessions. */
export const SESSION_TOKENS_BUCKET = 'cobrowse_session_tokens';

/** Relays that speak NATS send the POST /v1/events body here as a request, in their tenant's account. */
export const INGEST_SUBJECT = 'cobrowse.ingest';

/**
 * What a tenant's `cobrowse.ingest` is in the services' account: the tenant is in the subject,
 * put there by the server's import (its relays cannot name another), so nothing a relay sends
 * can speak for another tenant.
 */
export function tenantIngestSubject(tenant: string): string {
  return `${INGEST_SUBJECT}.${tenant}`;
}
export const TENANT_INGEST_WILDCARD = `${INGEST_SUBJECT}.*`;

/**
 * Whether a reply subject is a requester's own inbox: the server's reply subject of a request
 * that came through an import (`_R_.…`), or an inbox of the services' own account. Answers go
 * nowhere else.
 */
export function isRequesterInbox(subject: string): boolean {
  return /^(_R_|_INBOX)\.[^.*>\s]+(\.[^.*>\s]+)*$/.test(subject);
}

/** The tenant a services-side ingest subject is for; null for anything else. */
export function parseTenantIngestSubject(subject: string): string | null {
  const parts = subject.split('.');
  return parts.length === 3 && `${parts[0]}.${parts[1]}` === INGEST_SUBJECT && isTenantId(parts[2])
    ? parts[2]
    : null;
}

/**
 * The stream in each tenant's NATS account that sources `cobrowse.<tenant>.>` from the log:
 * where a tenant's subscribers create their JetStream consumers. The services create and
 * keep it (through the JetStream API the tenant's account exports to them).
 */
export const TENANT_EVENTS_STREAM = 'COBROWSE_TENANT_EVENTS';

/** The JetStream API of a tenant's account as the services' account imports it. */
export function tenantJetStreamApiPrefix(tenant: string): string {
  return `$JS.tenant.${tenant}.API`;
}

/** The log's consumer API as a tenant's account imports it, for its stream's source. */
export const LOG_API_PREFIX_IN_TENANT = '$JS.svc.API';

/** Where the log delivers a tenant's sourced events, in the services' account. */
export function tenantSourceDeliverPrefix(tenant: string): string {
  return `${INTERNAL_PREFIX}.deliver.${tenant}`;
}

export function sessionEventSubject(tenant: string, sessionId: string, type: SessionEventType): string {
  return `cobrowse.${tenant}.session.${sessionId}.${type.slice('session.'.length)}`;
}

/** Session events by subject token: `sessionId` and `event` may be `*` (every session, every type). */
export function sessionEventsFilter(tenant: string, sessionId: string, event: string): string {
  return `cobrowse.${tenant}.session.${sessionId}.${event}`;
}

/** Every event of one session, whatever its type. */
export function sessionHistorySubject(tenant: string, sessionId: string): string {
  return `cobrowse.${tenant}.session.${sessionId}.*`;
}

export function sessionUpdatedSubject(tenant: string, sessionId: string): string {
  return `cobrowse.${tenant}.session-updated.${sessionId}`;
}

/** Request-reply subjects among the services (NATS queue groups; never carry events that must last). */
export const RPC = {
  lifecycleAppend: `${INTERNAL_PREFIX}.lifecycle.append`,
  projectorGetSession: 'cobrowse-svc.projector.sessions.get',
  projectorListSessions: 'cobrowse-svc.projector.sessions.list',
  projectorCountSessions: 'cobrowse-svc.projector.sessions.count',
  projectorOpenExport: 'cobrowse-svc.projector.export.open',
  projectorGetRetention: 'cobrowse-svc.projector.retention.get',
  projectorPutRetention: 'cobrowse-svc.projector.retention.put',
  projectorEraseSessions: 'cobrowse-svc.projector.sessions.erase',
  projectorSessionIdsOfDevice: 'cobrowse-svc.projector.sessions.ids-of-device',
  /** Connection facts to log (opened, closed, heartbeats that change something), in request order. */
  lifecycleAppendConnectionFacts: 'cobrowse-svc.lifecycle.connection-facts.append',
  /** Erasure: purge a device's facts and sessions from the log and the tenant's copy, forget them. */
  lifecyclePurge: 'cobrowse-svc.lifecycle.log.purge',
  trackerEraseDevice: 'cobrowse-svc.tracker.devices.erase',
  trackerGetDevice: 'cobrowse-svc.tracker.devices.get',
  trackerListDevices: 'cobrowse-svc.tracker.devices.list',
  /** Chunks of one export come from the replica that opened it. */
  projectorExportChunks: (replicaId: string) => `cobrowse-svc.projector.export.${replicaId}`,
  webhooksCreate: 'cobrowse-svc.webhooks.endpoints.create',
  webhooksList: 'cobrowse-svc.webhooks.endpoints.list',
  webhooksGet: 'cobrowse-svc.webhooks.endpoints.get',
  webhooksUpdate: 'cobrowse-svc.webhooks.endpoints.update',
  webhooksDelete: 'cobrowse-svc.webhooks.endpoints.delete',
  webhooksRotateSecret: 'cobrowse-svc.webhooks.endpoints.rotate-secret',
  webhooksTest: 'cobrowse-svc.webhooks.endpoints.test',
  webhooksReplay: 'cobrowse-svc.webhooks.endpoints.replay',
  webhooksAttempts: 'cobrowse-svc.webhooks.endpoints.attempts',
  health: (service: string) => `cobrowse-svc.${service}.health`,
  /** Re-apply one parked event of a consumer (served by the replica that consumes). */
  replayDeadLetter: (consumer: string) => `cobrowse-svc.${consumer}.dead-letters.replay`,
} as const;

export const SERVICE_NAMES = [
  'gateway',
  'session-lifecycle',
  'connection-tracker',
  'history-projector',
  'webhook-dispatcher',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
