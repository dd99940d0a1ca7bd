import { CONNECTION_EVENT_TYPES } from './connection-events';
import { SESSION_EVENT_TYPES } from './events';
import { deviceEventSubject, deviceFactsSubject, sessionEventsFilter } from './subjects';
import { parseTimestamp, TIMESTAMP_MESSAGE } from './validation/rules';

/** What an endpoint may subscribe to (SPEC section 11): every logged event type. */
export const WEBHOOK_EVENT_TYPES = [...SESSION_EVENT_TYPES, ...CONNECTION_EVENT_TYPES] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** The type of the delivery `POST …/{id}/test` sends (never from the log). */
export const WEBHOOK_TEST_TYPE = 'webhook.test';

/** An endpoint as the API shows it (never with its secrets, but on creation and rotation). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  /** Null: every type. */
  event_types: WebhookEventType[] | null;
  filter: Record<string, string> | null;
  enabled: boolean;
  /** Deliveries per second at most; null: no limit beyond the dispatcher's own. */
  rate_limit: number | null;
  /** Whether a session event's delivery carries the session as of that event (`data.session`). */
  include_session: boolean;
  /** Why the service disabled it (a 410, failing for too long); null when enabled or disabled by the tenant. */
  disabled_reason: string | null;
  /** When its deliveries began to fail, each one since; null while they succeed. */
  failing_since: string | null;
  /** A replay under way (`POST …/replay`); null when none is. */
  replay: { since: string; until: string } | null;
  created_at: string;
  updated_at: string;
}

/** The endpoint with the secret, answered once on creation and on rotation. */
export type WebhookEndpointWithSecret = WebhookEndpointView & { secret: string };

/** The settings a tenant writes, as checked (`checkWebhookEndpoint`). */
export interface WebhookEndpointSettings {
  url: string;
  description: string;
  event_types: WebhookEventType[] | null;
  filter: Record<string, string> | null;
  enabled: boolean;
  rate_limit: number | null;
  include_session: boolean;
}

export interface WebhookAttemptView {
  /** Cursor position of the attempt (newest first). */
  id: string;
  webhook_id: string;
  type: string;
  /** The event's position in the log; null for a test delivery. */
  position: number | null;
  attempt: number;
  at: string;
  /** HTTP status, or null when no answer came (the error says why). */
  status: number | null;
  error: string | null;
  duration_ms: number;
  /** At most 1 KB of the answer. */
  response: string;
  /** When it is tried again; null when it succeeded or was given up. */
  next_retry_at: string | null;
}

export const WEBHOOK_LIMITS = {
  urlLength: 2048,
  descriptionLength: 512,
  filterKeys: 16,
  filterValueLength: 256,
  maxRateLimit: 10_000,
  endpointsPerTenant: 50,
} as const;

type Checked<T> = { value: T; problems: [] } | { value: null; problems: string[] };

const SETTINGS = [
  'url',
  'description',
  'event_types',
  'filter',
  'enabled',
  'rate_limit',
  'include_session',
] as const;

/**
 * Checks a create (`partial` false: `url` required) or PATCH body; every problem is named.
 * Whether the URL's address is allowed is the dispatcher's check (it resolves the name).
 */
export function checkWebhookEndpoint(
  body: unknown,
  partial: boolean,
): Checked<Partial<WebhookEndpointSettings>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { value: null, problems: ['the body must be a JSON object'] };
  const record = body as Record<string, unknown>;
  const problems: string[] = [];
  const value: Partial<WebhookEndpointSettings> = {};
  for (const key of Object.keys(record))
    if (!(SETTINGS as readonly string[]).includes(key))
      problems.push(`${key.slice(0, 60)} is not an endpoint setting`);
  const has = (key: string) => record[key] !== undefined;

  if (has('url')) {
    const url = record.url;
    if (typeof url !== 'string' || url.length > WEBHOOK_LIMITS.urlLength)
      problems.push(`url must be a string of at most ${WEBHOOK_LIMITS.urlLength} characters`);
    else if (!parseWebhookUrl(url)) problems.push('url must be an absolute http(s) URL without credentials');
    else value.url = url;
  } else if (!partial) problems.push('url is required');

  if (has('description')) {
    const d = record.description;
    if (typeof d !== 'string' || d.length > WEBHOOK_LIMITS.descriptionLength)
      problems.push(`description must be a string of at most ${WEBHOOK_LIMITS.descriptionLength} characters`);
    else value.description = d;
  }

  if (has('event_types')) {
    const types = record.event_types;
    if (types === null) value.event_types = null;
    else if (!Array.isArray(types) || types.length === 0)
      problems.push('event_types must be a non-empty array of event types, or null for all');
    else {
      const unknown = types.filter((t) => !(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(t));
      if (unknown.length)
        problems.push(
          `event_types: ${unknown.map((t) => JSON.stringify(t).slice(0, 60)).join(', ')} is not one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
        );
      else value.event_types = [...new Set(types as WebhookEventType[])].sort();
    }
  }

  if (has('filter')) {
    const filter = record.filter;
    if (filter === null) value.filter = null;
    else if (typeof filter !== 'object' || Array.isArray(filter))
      problems.push('filter must be an object of custom data keys and the values they must have');
    else {
      const entries = Object.entries(filter as Record<string, unknown>);
      if (entries.length === 0 || entries.length > WEBHOOK_LIMITS.filterKeys)
        problems.push(`filter must have 1 to ${WEBHOOK_LIMITS.filterKeys} keys`);
      else if (
        entries.some(
          ([k, v]) =>
            !k || k.length > 128 || typeof v !== 'string' || v.length > WEBHOOK_LIMITS.filterValueLength,
        )
      )
        problems.push(
          `filter values must be strings of at most ${WEBHOOK_LIMITS.filterValueLength} characters, keys 1 to 128`,
        );
      else value.filter = Object.fromEntries(entries) as Record<string, string>;
    }
  }

  for (const flag of ['enabled', 'include_session'] as const)
    if (has(flag)) {
      if (typeof record[flag] !== 'boolean') problems.push(`${flag} must be true or false`);
      else value[flag] = record[flag];
    }

  if (has('rate_limit')) {
    const r = record.rate_limit;
    if (r === null) value.rate_limit = null;
    else if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > WEBHOOK_LIMITS.maxRateLimit)
      problems.push(
        `rate_limit must be a whole number of deliveries per second, 1 to ${WEBHOOK_LIMITS.maxRateLimit}`,
      );
    else value.rate_limit = r;
  }

  if (problems.length) return { value: null, problems };
  return { value, problems: [] };
}

/** A replay's time range (epoch ms, `until` inclusive). */
export interface WebhookReplayRange {
  since: number;
  until: number;
}

/** Checks a `POST …/{id}/replay` body `{since, until?}`; `until` defaults to `now`. */
export function checkWebhookReplay(body: unknown, now: number): Checked<WebhookReplayRange> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { value: null, problems: ['the body must be a JSON object'] };
  const record = body as Record<string, unknown>;
  const problems = Object.keys(record)
    .filter((key) => key !== 'since' && key !== 'until')
    .map((key) => `${key.slice(0, 60)} is not a replay setting`);
  const since = parseTimestamp(record.since);
  const until = record.until === undefined ? now : parseTimestamp(record.until);
  if (record.since === undefined) problems.push('since is required');
  else if (since === null) problems.push(`since ${TIMESTAMP_MESSAGE}`);
  if (until === null) problems.push(`until ${TIMESTAMP_MESSAGE}`);
  if (since !== null && until !== null && since > until) problems.push('since must not be after until');
  if (problems.length || since === null || until === null) return { value: null, problems };
  return { value: { since, until }, problems: [] };
}

/** An absolute http(s) URL without user or password; null for anything else. */
export function parseWebhookUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username || parsed.password || !parsed.hostname) return null;
  return parsed;
}

/**
 * The log subjects an endpoint's consumer reads: its tenant's events of the types it wants
 * (the server filters, so an endpoint that wants ends only is never sent the pages).
 */
export function webhookLogFilters(tenant: string, eventTypes: readonly WebhookEventType[] | null): string[] {
  if (!eventTypes) return [sessionEventsFilter(tenant, '*', '*'), deviceFactsSubject(tenant, '*')];
  return eventTypes.map((type) =>
    type.startsWith('session.')
      ? sessionEventsFilter(tenant, '*', type.slice('session.'.length))
      : deviceEventSubject(tenant, '*', type),
  );
}

/** Requests to the webhook-dispatcher (the gateway puts the tenant from the key in every one). */
export interface WebhookEndpointRequest {
  tenant: string;
  id: string;
}
export interface CreateWebhookEndpointRequest {
  tenant: string;
  settings: Partial<WebhookEndpointSettings>;
}
export interface UpdateWebhookEndpointRequest extends WebhookEndpointRequest {
  settings: Partial<WebhookEndpointSettings>;
}
export interface ReplayWebhookRequest extends WebhookEndpointRequest {
  range: WebhookReplayRange;
}
export interface ListWebhookAttemptsRequest extends WebhookEndpointRequest {
  limit: number;
  cursor?: string;
}
export interface ListWebhookAttemptsReply {
  data: WebhookAttemptView[];
  next_cursor: string | null;
}
