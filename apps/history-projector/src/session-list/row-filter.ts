import {
  matchesCustomData,
  policyAllows,
  QueryErrorCode,
  QueryException,
  type SessionQuery,
} from '@cobrowse/contracts';
import { matchesTagExpression, parseTagExpression, TagExpressionError } from '@cobrowse/session-domain';
import type { ListRow } from './list-row';

export type RowFilter = (row: ListRow) => boolean;

const RANGES = [
  ['created_after', 'created_before', 'created_at'],
  ['activated_after', 'activated_before', 'activated_at'],
  ['ended_after', 'ended_before', 'ended_at'],
] as const;

/**
 * What a session query selects, as a check on list rows. Each filter of SPEC section 5 is
 * here, once; `_after` bounds are inclusive, `_before` exclusive. The planner test lists
 * every query field, so a new filter cannot go unchecked.
 */
export function rowFilter(query: SessionQuery): RowFilter {
  const checks: RowFilter[] = [];
  if (query.states?.length) {
    const states = new Set(query.states);
    checks.push((r) => states.has(r.state));
  }
  if (query.device_id !== undefined) checks.push((r) => r.device_id === query.device_id);
  if (query.agent_id !== undefined) checks.push((r) => r.agent_ids.includes(query.agent_id!));
  if (query.token !== undefined) checks.push((r) => r.token === query.token);
  if (query.custom_data) checks.push((r) => matchesCustomData(r.custom_data, query.custom_data!));
  if (query.policy) checks.push((r) => policyAllows(query.policy, r.custom_data));
  for (const [after, before, field] of RANGES) {
    const from = query[after];
    const to = query[before];
    if (from !== undefined) checks.push((r) => r[field] !== null && r[field] >= from);
    if (to !== undefined) checks.push((r) => r[field] !== null && r[field] < to);
  }
  if (query.tags !== undefined) {
    const expression = parseTags(query.tags);
    checks.push((r) => matchesTagExpression(expression, r.tags));
  }
  return (row) => checks.every((check) => check(row));
}

/** Only `state` (or nothing): what the per-page counters answer without reading a row. */
export function isStateOnly(query: SessionQuery): boolean {
  return Object.entries(query).every(([field, value]) => field === 'states' || value === undefined);
}

function parseTags(expression: string) {
  try {
    return parseTagExpression(expression);
  } catch (e) {
    if (e instanceof TagExpressionError)
      throw new QueryException(QueryErrorCode.InvalidTagExpression, e.message, [{ position: e.position }]);
    throw e;
  }
}
