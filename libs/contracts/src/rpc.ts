import type { AccessPolicy } from './identity';
import type { ErrorBody } from './errors';
import type { ReportedConnectionEvent } from './connection-events';
import type { ReportedSessionEvent } from './events';
import type { SessionSnapshot } from './session-snapshot';
import type { SessionState } from './session-resource';

export type AppendStatus = 'accepted' | 'duplicate' | 'rejected';

/** Why a session's event was not tried: one before it in the same request could not be logged. */
export const EARLIER_EVENT_NOT_LOGGED =
  'not tried: an earlier event of this session in the batch could not be logged; retry them in order';

/** Why a device's fact was not tried: one before it in the same request could not be logged (or judged). */
export const EARLIER_FACT_NOT_LOGGED =
  'not tried: an earlier fact of this device in the batch could not be logged; retry them in order';

export interface AppendEventsRequest {
  tenant: string;
  events: ReportedSessionEvent[];
  /**
   * Whether each result carries the session as decided: only the single-event endpoints
   * answer with it, so batch replies stay small (a session can be megabytes).
   */
  include_session?: boolean;
}

export interface AppendEventResult {
  event_id: string;
  status: AppendStatus;
  version?: number;
  /** The session as the lifecycle decided it, for accepted and duplicate events, when asked for. */
  session?: SessionSnapshot;
  error?: ErrorBody;
}

export interface AppendEventsReply {
  results: AppendEventResult[];
}

export interface GetSessionRequest {
  tenant: string;
  session_id: string;
}

export interface DependencyHealth {
  status: 'up' | 'down' | 'not-used';
  error?: string;
}

export interface ServiceHealth {
  service: string;
  status: 'up' | 'down';
  dependencies: { nats: DependencyHealth; mongodb: DependencyHealth };
  /** Durable consumers of the service and how far behind the log they are. */
  consumers?: ConsumerLag[];
  /** Service-specific counters: open live streams, retention sweeps, erasures. */
  details?: Record<string, number | string | null>;
}

export interface ConsumerLag {
  stream: string;
  consumer: string;
  /** Events in the log not yet delivered to the consumer. */
  pending: number;
  /** Delivered but not yet acknowledged (being applied). */
  ack_pending: number;
  /** Stream sequence of the last event acknowledged by every replica (the checkpoint). */
  ack_floor: number;
  /** Stream sequence of the last event in the log. */
  last_seq: number;
  /** Events this consumer parked on the dead-letter stream (and that were not replayed yet). */
  parked: number;
}

/** Session list filters, already validated by the gateway. Times are epoch ms. */
export interface SessionQuery {
  states?: SessionState[];
  custom_data?: Record<string, string>;
  device_id?: string;
  agent_id?: string;
  token?: string;
  created_after?: number;
  created_before?: number;
  activated_after?: number;
  activated_before?: number;
  ended_after?: number;
  ended_before?: number;
  /** A tag expression (SPEC section 6). */
  tags?: string;
  /** The signed-in agent's policy: only sessions inside it (SPEC section 12). */
  policy?: AccessPolicy;
}

export interface ListSessionsRequest {
  tenant: string;
  query: SessionQuery;
  limit: number;
  cursor?: string;
}

/** A session from the read model with what the projector derives for it. */
export interface SessionView {
  session: SessionSnapshot;
  expires_at: number | null;
}

export interface ListSessionsReply {
  data: SessionView[];
  next_cursor: string | null;
}

export interface CountSessionsRequest {
  tenant: string;
  query: SessionQuery;
}

export interface OpenExportRequest {
  tenant: string;
  query: SessionQuery;
}

/** An open export: the header line, and where to pull the rest from (one projector replica). */
export interface OpenExportReply {
  export_id: string;
  header: string;
  next_subject: string;
}

export interface ExportChunkRequest {
  export_id: string;
  /** `close` ends an export early (the client went away). */
  op: 'next' | 'close';
}

export interface ExportChunkReply {
  csv: string;
  done: boolean;
}

export interface DeviceQuery {
  custom_data?: Record<string, string>;
  online?: boolean;
  seen_after?: number;
  seen_before?: number;
  /** The signed-in agent's policy: only devices inside it (SPEC section 12). */
  policy?: AccessPolicy;
}

export interface GetDeviceRequest {
  tenant: string;
  device_id: string;
}

export interface ListDevicesRequest {
  tenant: string;
  query: DeviceQuery;
  limit: number;
  cursor?: string;
}

/** A tenant's retention policy (SPEC section 5, Retention and erasure). */
export interface RetentionPolicy {
  ended_session_ttl_seconds: number;
  device_ttl_seconds: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  ended_session_ttl_seconds: 14 * 24 * 3600,
  device_ttl_seconds: 30 * 24 * 3600,
};

export interface GetRetentionRequest {
  tenant: string;
}

export interface PutRetentionRequest {
  tenant: string;
  policy: RetentionPolicy;
}

export interface EraseSessionsRequest {
  tenant: string;
  session_ids: string[];
}

export interface EraseSessionsReply {
  /** Sessions the read model had and no longer has. */
  deleted: number;
}

export interface EraseDeviceRequest {
  tenant: string;
  device_id: string;
  /** Who asked, as a key fingerprint (never the key). */
  requested_by: string;
}

/** The audit record of an erasure: ids and times only, no personal data. */
/** What an erasure removed where, besides the log and the tenant's copy: counts, no ids or data. */
export interface ErasureRemovals {
  /** Parked copies of its events removed from the dead letters (SPEC section 10). */
  dead_letters_removed: number;
  /** Sessions deleted from the sessions read model, with their page chunks, list rows and postings. */
  read_model_sessions_deleted: number;
  /** Whether the devices read model had the device (and its row in the devices list). */
  device_deleted: boolean;
}

export interface ErasureRecord extends PurgeFromLogReply, ErasureRemovals {
  erasure_id: string;
  tenant: string;
  device_id: string;
  session_ids: string[];
  requested_by: string;
  erased_at: string;
}

export interface SessionIdsOfDeviceReply {
  session_ids: string[];
}

/**
 * Connection facts for the log, in request order: a device's facts are appended in that order,
 * and once one cannot be, its later ones are not tried (each answered SERVICE_UNAVAILABLE).
 */
export interface AppendConnectionFactsRequest {
  tenant: string;
  facts: ReportedConnectionEvent[];
}

export interface AppendConnectionFactsReply {
  results: AppendEventResult[];
}

/** An erasure's part in the log, asked of its one owner (session-lifecycle). */
export interface PurgeFromLogRequest {
  tenant: string;
  /** The device whose connection facts go. */
  device_id: string;
  /** Its sessions; a token is released only if it is still this session's. */
  sessions: Array<{ session_id: string; token: string | null }>;
}

export interface PurgeFromLogReply {
  /** Messages removed from the event log. */
  log_messages_purged: number;
  /** Messages removed from the tenant's own copy of its events (COBROWSE_TENANT_EVENTS). */
  tenant_stream_messages_purged: number;
}

export interface ReplayDeadLetterRequest {
  /** Sequence of the parked event in the dead-letter stream. */
  dead_letter_seq: number;
}

export interface ReplayDeadLetterReply {
  /**
   * replayed: applied and removed from the dead letters; still-failing: kept, with the reason;
   * gone: its event is no longer in the log (erased, or past the log's age), so it is removed
   * from the dead letters and nothing is applied.
   */
  status: 'replayed' | 'still-failing' | 'not-found' | 'gone';
  reason?: string;
}
