import { QueryErrorCode, QueryException, type SessionSnapshot } from '@cobrowse/contracts';

/** Position after the last session of a page, in (created_at desc, id desc) order. */
export interface SessionCursor {
  created_at: number;
  id: string;
}

export function encodeCursor(session: Pick<SessionSnapshot, 'created_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([session.created_at, session.id])).toString('base64url');
}

export function decodeCursor(cursor: string): SessionCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof createdAt === 'number' &&
      Number.isSafeInteger(createdAt) &&
      typeof id === 'string' &&
      id.length <= 64
    ) {
      return { created_at: createdAt, id };
    }
  } catch {
    /* fall through */
  }
  throw new QueryException(QueryErrorCode.InvalidCursor, 'cursor is not one this service gave out');
}
