import type { Actor } from './identity';
/** The event envelope and payloads of the session event log (SPEC section 3). */

export const SESSION_EVENT_TYPES = [
  'session.created',
  'session.activated',
  'session.page-entered',
  'session.deactivated',
  'session.metadata-updated',
] as const;

export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

export const END_REASONS = ['agent', 'device', 'timeout', 'api'] as const;
export type EndReason = (typeof END_REASONS)[number];

export type JsonObject = { [key: string]: unknown };
export type CustomDataValue = string | number | boolean;

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

export interface AgentInfo {
  id: string;
  name?: string;
  email?: string;
}

export interface SessionCreatedData {
  device_id: string;
  /** Assigned by session-lifecycle when it accepts the event. */
  token: string;
  device?: DeviceInfo;
  custom_data?: Record<string, CustomDataValue>;
  metadata?: JsonObject;
  tags?: string[];
  source?: string;
  start_url?: string;
}

export interface SessionActivatedData {
  agent: AgentInfo;
}

export interface PageEnteredData {
  url: string;
  title?: string;
  connection_id?: string;
}

export interface SessionDeactivatedData {
  reason: EndReason;
}

export interface MetadataUpdatedData {
  metadata?: JsonObject;
  custom_data?: Record<string, CustomDataValue | null>;
}

export interface SessionEventDataByType {
  'session.created': SessionCreatedData;
  'session.activated': SessionActivatedData;
  'session.page-entered': PageEnteredData;
  'session.deactivated': SessionDeactivatedData;
  'session.metadata-updated': MetadataUpdatedData;
}

export interface EventEnvelope<T extends SessionEventType = SessionEventType> {
  event_id: string;
  type: T;
  tenant: string;
  session_id: string;
  /** Epoch ms, when it happened on the device or agent side. */
  occurred_at: number;
  /** Epoch ms, when the event log accepted it. */
  recorded_at: number;
  /** 1-based position within the session's own history. */
  version: number;
  /** Who caused it (SPEC section 12); absent on events the service decided, such as timeouts. */
  actor?: Actor;
  data: SessionEventDataByType[T];
}

export type AnySessionEvent = { [T in SessionEventType]: EventEnvelope<T> }[SessionEventType];

/** A fact as a relay reports it, before the lifecycle has accepted it. */
export interface ReportedSessionEvent {
  event_id: string;
  type: SessionEventType;
  session_id: string;
  occurred_at: number;
  data: JsonObject;
  /** If-Match: refuse with VERSION_MISMATCH unless the session is at this version. */
  expected_version?: number;
  /** Who reported it: the API key or the signed-in agent of the request. */
  actor?: Actor;
}

export function isSessionEventType(value: unknown): value is SessionEventType {
  return typeof value === 'string' && (SESSION_EVENT_TYPES as readonly string[]).includes(value);
}
