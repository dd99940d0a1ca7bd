/*
 * The service's resources and request bodies as the client sees them. A test compares every
 * interface here with the OpenAPI document the gateway serves (`GET /docs-json`), so these
 * cannot drift from the server unnoticed.
 */

export type SessionState = 'pending' | 'active' | 'ended';
export type EndReason = 'agent' | 'device' | 'timeout' | 'api';
export type CustomData = Record<string, string | number | boolean>;
export type JsonObject = { [key: string]: unknown };

export interface DeviceInfo {
  device_locale?: string;
  os_version?: string;
  os_api_level?: string;
  app_id?: string;
  app_name?: string;
  app_version?: string;
  app_build?: string;
  sdk_version?: string;
  platform?: string;
}

export interface Agent {
  id: string;
  name?: string;
  email?: string;
}

export interface SessionAgent extends Agent {
  joined_at: string;
}

export interface SessionPage {
  url: string;
  title: string | null;
  entered_at: string;
  duration_seconds: number;
}

/** Who caused an action: an API key (by its fingerprint, never the key) or a signed-in agent. */
export type Actor = { type: 'key'; id: string } | { type: 'agent'; sub: string; name: string | null };

/** `GET /v1/sessions/{id}`. */
export interface SessionResource {
  id: string;
  token: string;
  state: SessionState;
  end_reason: EndReason | null;
  created_at: string;
  activated_at: string | null;
  ended_at: string | null;
  updated_at: string;
  expires_at: string | null;
  length_seconds: number;
  formatted_length: string;
  went_live: boolean;
  device_id: string;
  device: DeviceInfo;
  source: string | null;
  start_url: string | null;
  custom_data: CustomData;
  metadata: JsonObject;
  tags: string[];
  agents: SessionAgent[];
  pages: SessionPage[];
  version: number;
  activated_by: Actor | null;
  /** Null when the service ended it (a timeout). */
  ended_by: Actor | null;
  metadata_updated_by: Actor | null;
}

/**
 * A live `session-updated` snapshot: the session resource, or with `truncated` set, the
 * resource without its pages and metadata (the session outgrew one NATS message, or a later
 * snapshot of the same write follows): read the session for those.
 */
export type SessionUpdate = SessionResource & { truncated?: true };

export type SessionEventType =
  | 'session.created'
  | 'session.activated'
  | 'session.page-entered'
  | 'session.deactivated'
  | 'session.metadata-updated';

/** One event of the log, as `GET /v1/sessions/{id}/events` and the live streams carry it. */
export interface EventEnvelope {
  event_id: string;
  type: SessionEventType;
  tenant: string;
  session_id: string;
  occurred_at: number;
  recorded_at: number;
  version: number;
  /** Who caused it; absent on events the service decided (timeouts). */
  actor?: Actor;
  data: JsonObject;
}

export interface GenesysPage {
  url: string;
  enteredTimestamp: number;
  duration: number;
}

/** `GET /history/sessions/{id}`: the Genesys Co-browse history shape. */
export interface GenesysHistory {
  id: string;
  sessionToken: string;
  creationTime: number;
  activationTime: number | null;
  deactivationTime: number | null;
  pages: GenesysPage[];
}

export interface ExpectedDisconnect {
  return_time_seconds: number | null;
  message: string | null;
  title: string | null;
  ts: string;
}

export interface Connection {
  unique_connection_id: string;
  current_url: string | null;
  active_since: string;
  status: 'active' | 'disconnected';
  has_focus: boolean;
  last_focus_at: string | null;
  screen_width: number | null;
  screen_height: number | null;
  expected_disconnect: ExpectedDisconnect | null;
}

/** `GET /v1/devices/{id}`. */
export interface DeviceResource {
  id: string;
  added_at: string;
  last_seen_at: string;
  is_online: boolean;
  is_in_session: boolean;
  current_session_id: string | null;
  last_url: string | null;
  device: JsonObject;
  custom_data: JsonObject;
  connections: Connection[];
  expires_at: string;
}

/** A time bound: an ISO 8601 string, epoch ms or a Date. */
export type Instant = string | number | Date;

/** `GET /v1/sessions` (and count, export) filters; `filter_<key>` is custom-data equality. */
export interface SessionFilters {
  state?: SessionState | SessionState[];
  device_id?: string;
  agent_id?: string;
  token?: string;
  tags?: string;
  created_after?: Instant;
  created_before?: Instant;
  activated_after?: Instant;
  activated_before?: Instant;
  ended_after?: Instant;
  ended_before?: Instant;
  [customDataFilter: `filter_${string}`]: string | number | boolean | undefined;
}

export interface DeviceFilters {
  online?: boolean;
  seen_after?: Instant;
  seen_before?: Instant;
  [customDataFilter: `filter_${string}`]: string | number | boolean | undefined;
}

export interface Paging {
  /** Page size, 1..1000 (the service's default is 50). */
  limit?: number;
  cursor?: string;
}

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected';

/** One item of `POST /v1/events`' answer. */
export interface BatchResult {
  event_id: string;
  session_id?: string;
  status: IngestStatus;
  version?: number;
  error?: { code: string; message: string; details?: unknown[] };
}

/** `session.created` data. */
export interface SessionCreatedData {
  device_id: string;
  device?: DeviceInfo;
  custom_data?: CustomData;
  metadata?: JsonObject;
  tags?: string[];
  source?: string;
  start_url?: string;
}

export interface SessionActivatedData {
  agent: Agent;
}

export interface PageEnteredData {
  url: string;
  title?: string;
  connection_id?: string;
}

export interface SessionDeactivatedData {
  reason?: EndReason;
}

/** `session.metadata-updated` data: shallow merges of either or both. */
export interface MetadataUpdatedData {
  metadata?: JsonObject;
  custom_data?: Record<string, string | number | boolean | null>;
}

export interface ConnectionOpenedData {
  device_id: string;
  connection_id: string;
  current_url?: string;
  has_focus?: boolean;
  screen_width?: number;
  screen_height?: number;
  session_id?: string;
}

export interface ConnectionHeartbeatData {
  device_id: string;
  connection_id: string;
  current_url?: string;
  has_focus?: boolean;
}

export interface ConnectionClosedData {
  device_id: string;
  connection_id: string;
  expected_disconnect?: { return_time_seconds?: number; message?: string; title?: string };
}

/** `GET /v1/retention`: how long ended sessions and silent devices are kept. */
export interface RetentionPolicy {
  ended_session_ttl_seconds: number;
  device_ttl_seconds: number;
}

/** Event types a webhook endpoint may ask for (all when `event_types` is null). */
export type WebhookEventType =
  | 'session.created'
  | 'session.activated'
  | 'session.page-entered'
  | 'session.deactivated'
  | 'session.metadata-updated'
  | 'connection.opened'
  | 'connection.heartbeat'
  | 'connection.closed';

/** What a tenant sets on a webhook endpoint (docs/webhooks.md). */
export interface WebhookEndpointSettings {
  url: string;
  description?: string;
  event_types?: WebhookEventType[] | null;
  /** Custom data a session must have: the list API's `filter_<key>` semantics. */
  filter?: Record<string, string> | null;
  enabled?: boolean;
  /** Deliveries per second at most. */
  rate_limit?: number | null;
  /** Session events carry the session as of the event (`data.session`). */
  include_session?: boolean;
}

/** A webhook endpoint (`GET /v1/webhooks/endpoints/{id}`); never with its secret. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  event_types: WebhookEventType[] | null;
  filter: Record<string, string> | null;
  enabled: boolean;
  rate_limit: number | null;
  include_session: boolean;
  /** Why the service disabled it (a 410, failing too long). */
  disabled_reason: string | null;
  failing_since: string | null;
  /** A replay under way. */
  replay: { since: string; until: string } | null;
  created_at: string;
  updated_at: string;
}

/** An endpoint as created or rotated: with its secret, shown only then. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

/** One delivery attempt (`GET …/{id}/attempts`), newest first. */
export interface WebhookAttempt {
  id: string;
  webhook_id: string;
  type: string;
  position: number | null;
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
  response: string;
  next_retry_at: string | null;
}

/** A delivery's body, once verified: the event's envelope with its log position. */
export interface WebhookDelivery {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { position?: number };
}

export type AgentRole = 'agent' | 'administrator';

/** An agent signed in with a token, from its claims. */
export interface SignedInAgent {
  sub: string;
  name: string | null;
  email: string | null;
  role: AgentRole;
}

/** A token's policy: only sessions and devices whose custom data has, for every key, one of the values. */
export interface AccessPolicy {
  custom_data: Record<string, string[]>;
}

/** `GET /v1/auth/me`: who the credentials sent are. */
export interface WhoAmI {
  tenant: string;
  scopes: string[];
  actor: Actor;
  /** The signed-in agent; null for an API key. */
  agent: SignedInAgent | null;
  /** The token's policy; null when the whole tenant is visible. */
  policy: AccessPolicy | null;
}

/** A JSON Web Key Set of public keys (RS256, ES256 or EdDSA). */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/** What `PUT /v1/auth/issuers/{name}` takes: the issuer's public keys (`jwks`) or where it publishes them (`jwks_url`). */
export type TrustedIssuerSettings = { issuer: string; audience: string } & (
  { jwks: JsonWebKeySet; jwks_url?: never } | { jwks_url: string; jwks?: never }
);

/** A JWT issuer the tenant trusts (`GET /v1/auth/issuers/{name}`): its tokens for `audience` sign agents in. */
export interface TrustedIssuer {
  name: string;
  tenant: string;
  issuer: string;
  audience: string;
  jwks?: JsonWebKeySet;
  jwks_url?: string;
  created_at: string;
  updated_at: string;
}

export type AuditAction =
  | 'retention.updated'
  | 'device.erased'
  | 'issuer.saved'
  | 'issuer.deleted'
  | 'webhook.created'
  | 'webhook.updated'
  | 'webhook.deleted'
  | 'webhook.secret-rotated'
  | 'webhook.replayed';

/** One administrative action (`GET /v1/audit`) and who took it. */
export interface AuditRecord {
  id: string;
  at: string;
  tenant: string;
  actor: Actor;
  action: AuditAction;
  target: string;
  details?: Record<string, unknown>;
}

/** `GET /v1/audit` parameters: the records from `since` on (default: all kept), oldest first. */
export interface AuditQuery extends Paging {
  since?: Instant;
}
