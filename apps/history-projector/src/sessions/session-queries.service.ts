import { Injectable } from '@nestjs/common';
import {
  EVENTS_STREAM,
  sessionHistorySubject,
  type AnySessionEvent,
  type CountSessionsRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type SessionSnapshot,
  type SessionView,
} from '@cobrowse/contracts';
import { NatsConnectionService, readSubject } from '@cobrowse/messaging';
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
    private readonly nats: NatsConnectionService,
  ) {}

  async get(tenant: string, sessionId: string): Promise<SessionView | null> {
    const session = await this.sessions.findById(tenant, sessionId);
    return session ? (await this.views(tenant, [session]))[0] : null;
  }

  async list(request: ListSessionsRequest): Promise<ListSessionsReply> {
    const { filter, residual } = selectSessions(request.tenant, request.query);
    const paged = request.cursor ? { $and: [filter, afterCursor(decodeCursor(request.cursor))] } : filter;
    const rows = await this.sessions.list(paged, request.limit + 1, residual);
    const page = rows.slice(0, request.limit);
    const more = rows.length > request.limit;
    return {
      data: await this.views(request.tenant, page),
      next_cursor: more ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  count(request: CountSessionsRequest): Promise<number> {
    const { filter, residual } = selectSessions(request.tenant, request.query);
    return this.sessions.count(filter, residual);
  }

  /** The session's events, in order, straight from the log. */
  async events(tenant: string, sessionId: string): Promise<AnySessionEvent[]> {
    const stored = await readSubject(this.nats.nc, EVENTS_STREAM, sessionHistorySubject(tenant, sessionId));
    return stored.map((m) => JSON.parse(Buffer.from(m.data).toString('utf8')) as AnySessionEvent);
  }

  private async views(tenant: string, sessions: SessionSnapshot[]): Promise<SessionView[]> {
    const policy = await this.retention.forTenant(tenant);
    return sessions.map((session) => ({
      session,
      expires_at: sessionExpiresAt(session.ended_recorded_at, policy),
    }));
  }
}
