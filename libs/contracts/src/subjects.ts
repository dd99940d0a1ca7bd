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

/** Poison events parked by a consumer, with the reason in a header: cobrowse-dlq.<consumer>. */
export const DEAD_LETTER_STREAM = 'COBROWSE_DEAD_LETTERS';
export const DEAD_LETTER_WILDCARD = 'cobrowse-dlq.>';
export function deadLetterSubject(consumer: string): string {
  return `cobrowse-dlq.${consumer}`;
}

/** KV bucket recording which connection facts (by event_id) are in the log, for as long as the log keeps them. */
export const CONNECTION_FACTS_BUCKET = 'cobrowse_connection_facts';

/** KV bucket reserving session tokens among a tenant's non-ended sessions. */
export const SESSION_TOKENS_BUCKET = 'cobrowse_session_tokens';

/** Relays that speak NATS send the POST /v1/events body here as a request. */
export const INGEST_SUBJECT = 'cobrowse.ingest';

export function sessionEventSubject(tenant: string, sessionId: string, type: SessionEventType): string {
  return `cobrowse.${tenant}.session.${sessionId}.${type.slice('session.'.length)}`;
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
  lifecycleAppend: 'cobrowse-svc.lifecycle.append',
  projectorGetSession: 'cobrowse-svc.projector.sessions.get',
  projectorListSessions: 'cobrowse-svc.projector.sessions.list',
  projectorCountSessions: 'cobrowse-svc.projector.sessions.count',
  projectorOpenExport: 'cobrowse-svc.projector.export.open',
  projectorGetRetention: 'cobrowse-svc.projector.retention.get',
  projectorPutRetention: 'cobrowse-svc.projector.retention.put',
  projectorEraseSessions: 'cobrowse-svc.projector.sessions.erase',
  projectorSessionIdsOfDevice: 'cobrowse-svc.projector.sessions.ids-of-device',
  lifecycleForgetSessions: 'cobrowse-svc.lifecycle.sessions.forget',
  trackerEraseDevice: 'cobrowse-svc.tracker.devices.erase',
  trackerGetDevice: 'cobrowse-svc.tracker.devices.get',
  trackerListDevices: 'cobrowse-svc.tracker.devices.list',
  /** Chunks of one export come from the replica that opened it. */
  projectorExportChunks: (replicaId: string) => `cobrowse-svc.projector.export.${replicaId}`,
  health: (service: string) => `cobrowse-svc.${service}.health`,
  /** Re-apply one parked event of a consumer (served by the replica that consumes). */
  replayDeadLetter: (consumer: string) => `cobrowse-svc.${consumer}.dead-letters.replay`,
} as const;

export const SERVICE_NAMES = [
  'gateway',
  'session-lifecycle',
  'connection-tracker',
  'history-projector',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
