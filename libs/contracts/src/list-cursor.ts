import { QueryErrorCode, QueryException } from './errors/index';

/** The longest id the API accepts (SUBJECT_TOKEN_PATTERN): any listed item's id fits a cursor. */
const MAX_ID_LENGTH = 128;

/** A list position: (time, id), the key lists are ordered by, newest first. */
export type ListPosition = readonly [at: number, id: string];

/** The one cursor codec of every list (sessions, devices): opaque to clients, the position after a page. */
export function encodeListCursor([at, id]: ListPosition): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeListCursor(cursor: string): ListPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(at) && typeof id === 'string' && id.length <= MAX_ID_LENGTH)
      return [at as number, id];
  } catch {
    /* fall through */
  }
  throw new QueryException(QueryErrorCode.InvalidCursor, 'cursor is not one this service gave out');
}
