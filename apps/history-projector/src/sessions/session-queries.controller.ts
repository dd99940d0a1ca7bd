import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  SessionErrorCode,
  SessionException,
  type CountSessionsRequest,
  type GetSessionRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type SessionView,
} from '@cobrowse/contracts';
import { SessionQueriesService } from './session-queries.service';

@Controller()
export class SessionQueriesController {
  constructor(private readonly queries: SessionQueriesService) {}

  @MessagePattern(RPC.projectorGetSession)
  async get(@Payload() request: GetSessionRequest): Promise<SessionView> {
    const view = await this.queries.get(request.tenant, request.session_id);
    if (!view)
      throw new SessionException(SessionErrorCode.SessionNotFound, `session ${request.session_id} not found`);
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
}
