import type { Instant } from './types.js';

type QueryValue = string | number | boolean | Instant | readonly string[] | undefined | null;

/** Filters and paging as query parameters: arrays comma-separated, dates as ISO 8601, absent values left out. */
export function toQuery(params: object): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as Array<[string, QueryValue]>) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) query.set(key, value.join(','));
    else if (value instanceof Date) query.set(key, value.toISOString());
    else query.set(key, String(value));
  }
  return query;
}
