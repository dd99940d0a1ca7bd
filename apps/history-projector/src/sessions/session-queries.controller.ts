import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCode,
  RPC,
  type CountSessionsRequest,
  type GetSessionRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type SessionEventsReply,
  type SessionView,
} from '@cobrowse/contracts';
import { SessionDomainException } from '@cobrowse/session-domain';
import { SessionQueriesService } from './session-queries.service';

@Controller()
export class SessionQueriesController {
  constructor(private readonly queries: SessionQueriesService) {}

  @MessagePattern(RPC.projectorGetSession)
  async get(@Payload() request: GetSessionRequest): Promise<SessionView> {
    const view = await this.queries.get(request.tenant, request.session_id);
    if (!view)
      throw new SessionDomainException(ErrorCode.SessionNotFound, `session ${request.session_id} not found`);
    return view;
  }

  @MessagePattern(RPC.projectorListSessions)
  list(@Payload() request: ListSessionsRequest): Promise<ListSessionsReply> {
    return this.queries.list(request);
  }

  @MessagePattern(RPC.projectorCountSessions)
  async count(@Payload() request: CountSessionsRequest): Promise<{ count: number }> {
    return { count: await this.queries.count(request) };
  }

  @MessagePattern(RPC.projectorSessionEvents)
  async events(@Payload() request: GetSessionRequest): Promise<SessionEventsReply> {
    const data = await this.queries.events(request.tenant, request.session_id);
    if (!data.length)
      throw new SessionDomainException(ErrorCode.SessionNotFound, `session ${request.session_id} not found`);
    return { data };
  }
}
