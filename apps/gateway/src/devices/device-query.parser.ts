import { ErrorCode, parseTimestamp, type DeviceQuery, type FieldIssue } from '@cobrowse/contracts';
import { ApiException } from '../errors/api.exception';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../sessions/session-query.parser';

/** `GET /v1/devices` query parameters: filter_<key>, online, seen_after, seen_before, limit, cursor. */
export function parseDeviceQuery(raw: Record<string, unknown>): {
  query: DeviceQuery;
  limit: number;
  cursor?: string;
} {
  const issues: FieldIssue[] = [];
  const query: DeviceQuery = {};
  let limit = DEFAULT_LIMIT;
  let cursor: string | undefined;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      issues.push({ field: name, message: 'must be given once' });
      continue;
    }
    if (name.startsWith('filter_')) {
      const key = name.slice('filter_'.length);
      if (!key || key.includes('.') || key.startsWith('$'))
        issues.push({ field: name, message: 'bad custom data key' });
      else query.custom_data = { ...query.custom_data, [key]: value };
    } else if (name === 'online') {
      if (value !== 'true' && value !== 'false')
        issues.push({ field: name, message: 'must be true or false' });
      else query.online = value === 'true';
    } else if (name === 'seen_after' || name === 'seen_before') {
      const ms = parseTimestamp(value);
      if (ms === null)
        issues.push({ field: name, message: 'must be epoch milliseconds or an ISO 8601 date' });
      else query[name] = ms;
    } else if (name === 'limit') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT)
        issues.push({ field: name, message: `must be 1..${MAX_LIMIT}` });
      else limit = n;
    } else if (name === 'cursor') {
      cursor = value;
    } else {
      issues.push({ field: name, message: 'is not a query parameter of this endpoint' });
    }
  }
  if (issues.length)
    throw new ApiException(
      400,
      ErrorCode.ValidationFailed,
      `${issues[0].field}: ${issues[0].message}`,
      issues,
    );
  return { query, limit, cursor };
}
