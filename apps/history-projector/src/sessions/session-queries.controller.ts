import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ErrorCode, RPC, type GetSessionRequest, type SessionSnapshot } from '@cobrowse/contracts';
import { SessionDomainException } from '@cobrowse/session-domain';
import { SessionsRepository } from './sessions.repository';

export interface SessionView {
  session: SessionSnapshot;
  expires_at: number | null;
}

@Controller()
export class SessionQueriesController {
  constructor(private readonly sessions: SessionsRepository) {}

  @MessagePattern(RPC.projectorGetSession)
  async get(@Payload() request: GetSessionRequest): Promise<SessionView> {
    const session = await this.sessions.findById(request.tenant, request.session_id);
    if (!session)
      throw new SessionDomainException(ErrorCode.SessionNotFound, `session ${request.session_id} not found`);
    return { session, expires_at: null };
  }
}
