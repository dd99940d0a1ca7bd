import { Injectable } from '@nestjs/common';
import {
  collectPage,
  jsonBytes,
  type CountSessionsRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type SessionSnapshot,
  type SessionView,
} from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { RetentionPolicyRepository, sessionExpiresAt } from '../retention/retention-policy.repository';
import { afterCursor, decodeCursor, encodeCursor } from './session-cursor';
import { selectSessions } from './session-filter';
import { SessionsRepository } from './sessions.repository';

/** Answers the session queries of SPEC section 5 from the read model (events from the log). */
@Injectable()
export class SessionQueriesService {
  constructor(
    private readonly sessions: SessionsRepository,
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
    const { filter, residual } = selectSessions(request.tenant, request.query);
    const paged = request.cursor ? { $and: [filter, afterCursor(decodeCursor(request.cursor))] } : filter;
    const policy = await this.retention.forTenant(request.tenant);
    const now = Date.now();
    const view = (session: SessionSnapshot): SessionView => ({
      session,
      expires_at: sessionExpiresAt(session.ended_recorded_at, policy),
    });
    const { page, more } = await collectPage(
      this.views(this.sessions.list(paged, request.limit + 1, residual), view),
      {
        limit: request.limit,
        sizeOf: (v) => jsonBytes(toSessionResource(v.session, now, v.expires_at)),
      },
    );
    return {
      data: page,
      next_cursor: more ? encodeCursor(page[page.length - 1].session) : null,
    };
  }

  count(request: CountSessionsRequest): Promise<number> {
    const { filter, residual } = selectSessions(request.tenant, request.query);
    return this.sessions.count(filter, residual);
  }

  private async *views(
    sessions: AsyncIterable<SessionSnapshot>,
    view: (session: SessionSnapshot) => SessionView,
  ): AsyncIterable<SessionView> {
    for await (const session of sessions) yield view(session);
  }
}
