import type { Filter } from 'mongodb';
import { QueryErrorCode, QueryException, type SessionQuery } from '@cobrowse/contracts';
import {
  hasSubset,
  matchesTagExpression,
  parseTagExpression,
  tagExpressionToFilter,
  TagExpressionError,
  type TagExpression,
} from '@cobrowse/session-domain';
import type { SessionDocument } from './session-document';

/** Stored values a `filter_<key>=<value>` matches: custom data is compared as a string. */
export function customDataCandidates(value: string): Array<string | number | boolean> {
  const candidates: Array<string | number | boolean> = [value];
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && String(n) === value) candidates.push(n);
  if (value === 'true') candidates.push(true);
  if (value === 'false') candidates.push(false);
  return candidates;
}

const RANGES = [
  ['created_after', 'created_before', 'created_at'],
  ['activated_after', 'activated_before', 'activated_at'],
  ['ended_after', 'ended_before', 'ended_at'],
] as const;

export interface SessionSelection {
  filter: Filter<SessionDocument>;
  /** An exact check the database cannot do for every engine; candidates must pass it too. */
  residual?: (session: Pick<SessionDocument, 'tags'>) => boolean;
}

/** What a session query selects: a MongoDB filter, plus a residual check for tag subsets. */
export function selectSessions(tenant: string, query: SessionQuery): SessionSelection {
  const filter = buildSessionFilter(tenant, query);
  if (query.tags === undefined) return { filter };
  const expression = parseTags(query.tags);
  return hasSubset(expression)
    ? { filter, residual: (s) => matchesTagExpression(expression, s.tags) }
    : { filter };
}

/** The MongoDB filter for a session list query: `_after` bounds are inclusive, `_before` exclusive. */
export function buildSessionFilter(tenant: string, query: SessionQuery): Filter<SessionDocument> {
  const and: Filter<SessionDocument>[] = [{ tenant }];
  if (query.states?.length)
    and.push(query.states.length === 1 ? { state: query.states[0] } : { state: { $in: query.states } });
  if (query.device_id !== undefined) and.push({ device_id: query.device_id });
  if (query.agent_id !== undefined) and.push({ 'agents.id': query.agent_id } as Filter<SessionDocument>);
  if (query.token !== undefined) and.push({ token: query.token });
  for (const [key, value] of Object.entries(query.custom_data ?? {})) {
    and.push({ [`custom_data.${key}`]: { $in: customDataCandidates(value) } } as Filter<SessionDocument>);
  }
  for (const [after, before, field] of RANGES) {
    const range: Record<string, number> = {};
    if (query[after] !== undefined) range.$gte = query[after]!;
    if (query[before] !== undefined) range.$lt = query[before]!;
    if (Object.keys(range).length) and.push({ [field]: range } as Filter<SessionDocument>);
  }
  if (query.tags !== undefined) and.push(compileTags(query.tags) as Filter<SessionDocument>);
  return and.length === 1 ? and[0] : { $and: and };
}

function compileTags(expression: string): Record<string, unknown> {
  return tagExpressionToFilter(parseTags(expression));
}

function parseTags(expression: string): TagExpression {
  try {
    return parseTagExpression(expression);
  } catch (e) {
    if (e instanceof TagExpressionError) {
      throw new QueryException(QueryErrorCode.InvalidTagExpression, e.message, [{ position: e.position }]);
    }
    throw e;
  }
}
