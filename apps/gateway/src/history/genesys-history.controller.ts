import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ErrorReply,
  policyAllows,
  SessionErrorCode,
  SessionException,
  type GenesysSessionHistory,
  type SessionSnapshot,
} from '@cobrowse/contracts';
import { toGenesysHistory } from '@cobrowse/session-domain';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { sessionNotFound } from '../auth/session-access';
import { GenesysHistoryDto } from '../docs/schemas';
import { ProjectorClient } from '../services/projector.client';
import { SessionIdPipe } from '../sessions/session-id.pipe';
import { SessionEventsStream } from '../sessions/session-events.stream';
import { ApiErrors } from '../docs/api-errors.decorator';

/** Genesys Co-browse compatible history, for contact-centre software that reads that API. */
@ApiTags('genesys-compatible history')
@ApiBearerAuth()
@RequireScope('read')
@Controller()
export class GenesysHistoryController {
  constructor(
    private readonly projector: ProjectorClient,
    private readonly log: SessionEventsStream,
  ) {}

  @Get(['history/sessions/:id', 'cobrowse/rest/history/sessions/:id'])
  @ApiOperation({ summary: 'History of an ended session in the Genesys Co-browse shape' })
  @ApiResponse({ status: 200, type: GenesysHistoryDto })
  @ApiErrors(SessionErrorCode.SessionNotFound, SessionErrorCode.SessionNotEnded)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
  ): Promise<GenesysSessionHistory> {
    const session = await this.projectedOrPending(principal.tenant, id);
    // Under a policy a session not projected yet cannot be shown to be inside it: not found.
    if (principal.policy && (!session || !policyAllows(principal.policy, session.custom_data)))
      throw sessionNotFound(id);
    if (session?.state !== 'ended') {
      throw new SessionException(SessionErrorCode.SessionNotEnded, `session ${id} has not ended yet`, [
        { current_state: session?.state ?? 'not yet in history' },
      ]);
    }
    return toGenesysHistory(session);
  }

  /**
   * The projected session, or null for one the log holds but the projector has not reached
   * yet: that session exists and has not ended in history, so it is SESSION_NOT_ENDED, not
   * SESSION_NOT_FOUND.
   */
  private async projectedOrPending(tenant: string, id: string): Promise<SessionSnapshot | null> {
    try {
      return (await this.projector.getSession(tenant, id)).session;
    } catch (error) {
      const notFound = error instanceof ErrorReply && error.body.code === SessionErrorCode.SessionNotFound;
      if (notFound && (await this.log.exists(tenant, id))) return null;
      throw error;
    }
  }
}
