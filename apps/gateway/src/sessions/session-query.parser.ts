import type { AccessPolicy, SessionQuery, SessionState } from '@cobrowse/contracts';
import { QueryParams, type RawQuery } from '../query/query-params';

const STATES: readonly SessionState[] = ['pending', 'active', 'ended'];
const IDS = ['device_id', 'agent_id', 'token'] as const;
const TIMES = [
  'created_after',
  'created_before',
  'activated_after',
  'activated_before',
  'ended_after',
  'ended_before',
] as const;

export interface ParsedSessionQuery {
  query: SessionQuery;
  limit: number;
  cursor?: string;
}

/**
 * `GET /v1/sessions` (and count, export) query parameters → a validated SessionQuery, narrowed
 * to the caller's policy when its token has one.
 */
export function parseSessionQuery(
  raw: RawQuery,
  options: { paging: boolean },
  caller: { policy?: AccessPolicy } = {},
): ParsedSessionQuery {
  const params = new QueryParams(raw);
  const query: SessionQuery = caller.policy ? { policy: caller.policy } : {};
  const states = params.oneOf('state', STATES);
  if (states) query.states = states;
  for (const name of IDS) {
    const value = params.single(name);
    if (value !== undefined && value.length > 256) params.problem(name, 'is longer than 256 characters');
    else if (value !== undefined) query[name] = value;
  }
  for (const name of TIMES) {
    const ms = params.time(name);
    if (ms !== undefined) query[name] = ms;
  }
  const customData = params.customData();
  if (customData) query.custom_data = customData;
  const tags = params.tags();
  if (tags !== undefined) query.tags = tags;
  const result: ParsedSessionQuery = { query, limit: options.paging ? params.limit() : 0 };
  if (options.paging) {
    const cursor = params.cursor();
    if (cursor !== undefined) result.cursor = cursor;
  }
  params.done();
  return result;
}
