import {
  ErrorCode,
  parseTimestamp,
  type FieldIssue,
  type SessionQuery,
  type SessionState,
} from '@cobrowse/contracts';
import { parseTagExpression, TagExpressionError } from '@cobrowse/session-domain';
import { ApiException } from '../errors/api.exception';

const STATES: SessionState[] = ['pending', 'active', 'ended'];
const SINGLE = ['device_id', 'agent_id', 'token'] as const;
const TIMES = [
  'created_after',
  'created_before',
  'activated_after',
  'activated_before',
  'ended_after',
  'ended_before',
] as const;
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface ParsedSessionQuery {
  query: SessionQuery;
  limit: number;
  cursor?: string;
}

type Raw = Record<string, unknown>;

/** `GET /v1/sessions` (and count, export) query parameters → a validated SessionQuery; 400 otherwise. */
export function parseSessionQuery(raw: Raw, options: { paging: boolean }): ParsedSessionQuery {
  const issues: FieldIssue[] = [];
  const query: SessionQuery = {};
  const single = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      issues.push({ field: name, message: 'must be given once' });
      return undefined;
    }
    return value;
  };

  for (const name of Object.keys(raw)) {
    const known =
      name === 'state' ||
      name === 'tags' ||
      name.startsWith('filter_') ||
      (SINGLE as readonly string[]).includes(name) ||
      (TIMES as readonly string[]).includes(name) ||
      (options.paging && (name === 'limit' || name === 'cursor'));
    if (!known) issues.push({ field: name, message: 'is not a query parameter of this endpoint' });
  }

  if (raw.state !== undefined) {
    const values = (Array.isArray(raw.state) ? raw.state : [raw.state]).flatMap((v) => String(v).split(','));
    const states = values.map((v) => v.trim()).filter(Boolean);
    const wrong = states.filter((s) => !STATES.includes(s as SessionState));
    if (wrong.length || !states.length)
      issues.push({ field: 'state', message: `must be ${STATES.join(', ')}` });
    else query.states = [...new Set(states)] as SessionState[];
  }

  for (const name of SINGLE) {
    const value = single(name);
    if (value !== undefined) query[name] = value;
  }

  for (const name of TIMES) {
    const value = single(name);
    if (value === undefined) continue;
    const ms = parseTimestamp(value);
    if (ms === null) issues.push({ field: name, message: 'must be epoch milliseconds or an ISO 8601 date' });
    else query[name] = ms;
  }

  for (const name of Object.keys(raw).filter((n) => n.startsWith('filter_'))) {
    const key = name.slice('filter_'.length);
    const value = single(name);
    if (!key || key.includes('.') || key.startsWith('$')) {
      issues.push({
        field: name,
        message: 'custom data key must be non-empty, without "." or a leading "$"',
      });
    } else if (value !== undefined) {
      query.custom_data = { ...query.custom_data, [key]: value };
    }
  }

  const result: ParsedSessionQuery = { query, limit: DEFAULT_LIMIT };
  if (options.paging) {
    const limit = single('limit');
    if (limit !== undefined) {
      const n = Number(limit);
      if (!/^\d+$/.test(limit) || n < 1 || n > MAX_LIMIT) {
        issues.push({ field: 'limit', message: `must be a whole number from 1 to ${MAX_LIMIT}` });
      } else result.limit = n;
    }
    const cursor = single('cursor');
    if (cursor !== undefined) result.cursor = cursor;
  }

  if (issues.length) {
    throw new ApiException(
      400,
      ErrorCode.ValidationFailed,
      `${issues[0].field}: ${issues[0].message}`,
      issues,
    );
  }

  const tags = single('tags');
  if (tags !== undefined) {
    try {
      parseTagExpression(tags);
    } catch (e) {
      if (!(e instanceof TagExpressionError)) throw e;
      throw new ApiException(400, ErrorCode.InvalidTagExpression, e.message, [
        { field: 'tags', position: e.position },
      ]);
    }
    query.tags = tags;
  }
  return result;
}
