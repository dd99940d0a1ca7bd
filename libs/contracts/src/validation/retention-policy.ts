import type { RetentionPolicy } from '../rpc';

const DAY_SECONDS = 24 * 3600;
/** A session may live this long before it ends: the log must still hold its creation then. */
export const EVENTS_MAX_AGE_MARGIN_DAYS = 30;
const NO_AGE_LIMIT_CAP_SECONDS = 10 * 365 * DAY_SECONDS;

/**
 * The longest TTL a tenant may set: read models must never outlive the log they are rebuilt
 * from, so the cap is the log's age limit minus a margin for sessions still open.
 */
export function retentionTtlCapSeconds(eventsMaxAgeDays: number): number {
  if (eventsMaxAgeDays <= 0) return NO_AGE_LIMIT_CAP_SECONDS;
  return Math.max(DAY_SECONDS, (eventsMaxAgeDays - EVENTS_MAX_AGE_MARGIN_DAYS) * DAY_SECONDS);
}

/** Checks a PUT /v1/retention body; every problem is named. */
export function checkRetentionPolicy(
  body: unknown,
  capSeconds: number,
): { policy: RetentionPolicy; problems: [] } | { policy: null; problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { policy: null, problems: ['the body must be a JSON object'] };
  const record = body as Record<string, unknown>;
  const problems: string[] = [];
  const fields = ['ended_session_ttl_seconds', 'device_ttl_seconds'] as const;
  for (const key of Object.keys(record))
    if (!(fields as readonly string[]).includes(key))
      problems.push(`${key.slice(0, 60)} is not a retention setting`);
  for (const field of fields) {
    const value = record[field];
    if (value === undefined) problems.push(`${field} is required`);
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      problems.push(`${field} must be a whole number of seconds, at least 1`);
    else if (value > capSeconds)
      problems.push(`${field} must be at most ${capSeconds} (the event log's age limit, minus a margin)`);
  }
  if (problems.length) return { policy: null, problems };
  return {
    policy: {
      ended_session_ttl_seconds: record.ended_session_ttl_seconds as number,
      device_ttl_seconds: record.device_ttl_seconds as number,
    },
    problems: [],
  };
}
