import { QueryErrorCode, QueryException } from '@cobrowse/contracts';
import { QueryParams, type RawQuery } from '../query/query-params';

/** `GET /v1/webhooks/endpoints/{id}/attempts` query parameters: limit, cursor (an attempt's number). */
export function parseAttemptsQuery(raw: RawQuery): { limit: number; cursor?: string } {
  const params = new QueryParams(raw);
  const limit = Math.min(params.limit(), 100);
  const cursor = params.cursor();
  params.done();
  if (cursor !== undefined && !/^[1-9]\d{0,11}$/.test(cursor))
    throw new QueryException(QueryErrorCode.InvalidCursor, 'cursor is not one this service gave out');
  return { limit, ...(cursor !== undefined ? { cursor } : {}) };
}
