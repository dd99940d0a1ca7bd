import { Injectable } from '@nestjs/common';
import {
  collectPage,
  decodeListCursor,
  encodeListCursor,
  jsonBytes,
  type CountSessionsRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type SessionSnapshot,
  type SessionView,
} from '@cobrowse/contracts';
import { sessionExpiresAt, toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { keyOfRow } from '../session-list/list-row';
import { SessionListReader } from '../session-list/session-list.reader';
import { SessionsRepository } from './sessions.repository';

/**
 * Sessions read by `_id` at once for a list page: a default page (50) and the next session,
 * which says whether there is more, in one round.
 */
const FETCH_AHEAD = 64;

/** Answers the session queries of SPEC section 5 from the read model (events from the log). */
@Injectable()
export class SessionQueriesService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly listed: SessionListReader,
    private readonly retention: RetentionPolicyRepository,
  ) {}

  async get(tenant: string, sessionId: string): Promise<SessionView | null> {
    const session = await this.sessions.findById(tenant, sessionId);
    if (!session) return null;
    const policy = await this.retention.forTenant(tenant);
    return { session, expires_at: sessionExpiresAt(session.ended_recorded_at, policy) };
  }

  /** A page of at most `limit` sessions and MAX_PAGE_BYTES of JSON (as the gateway will answer it). */
  async list(request: ListSessionsRequest): Promise<ListSessionsReply> {
    const after = request.cursor ? decodeListCursor(request.cursor) : undefined;
    const policy = await this.retention.forTenant(request.tenant);
    const now = Date.now();
    const rows = this.listed.rows(request.tenant, request.query, after);
    const views = this.sessionsOf(request.tenant, rows, Math.min(request.limit + 1, FETCH_AHEAD));
    const { page, more } = await collectPage(
      (async function* () {
        for await (const session of views)
          yield { session, expires_at: sessionExpiresAt(session.ended_recorded_at, policy) } as SessionView;
      })(),
      { limit: request.limit, sizeOf: (v) => jsonBytes(toSessionResource(v.session, now, v.expires_at)) },
    );
    return {
      data: page,
      next_cursor: more ? encodeListCursor(keyOfRow(page[page.length - 1].session)) : null,
    };
  }

  count(request: CountSessionsRequest): Promise<number> {
    return this.listed.count(request.tenant, request.query);
  }

  /**
   * The sessions of listed rows, in list order, read `ahead` at a time by `_id`. A row whose
   * session is gone (erased a moment ago) is skipped.
   */
  private async *sessionsOf(
    tenant: string,
    rows: AsyncIterable<{ id: string; created_at: number }>,
    ahead: number,
  ): AsyncIterable<SessionSnapshot> {
    let group: string[] = [];
    const flush = () => Promise.all(group.map((id) => this.sessions.findById(tenant, id)));
    for await (const row of rows) {
      group.push(keyOfRow(row)[1]);
      if (group.length < ahead) continue;
      for (const session of await flush()) if (session) yield session;
      group = [];
    }
    for (const session of await flush()) if (session) yield session;
  }
}
