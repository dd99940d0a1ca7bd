import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type GenesysSessionHistory } from '@cobrowse/contracts';
import { toGenesysHistory } from '@cobrowse/session-domain';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/api-keys';
import { ErrorResponseDto, GenesysHistoryDto } from '../docs/schemas';
import { ApiException } from '../errors/api.exception';
import { ProjectorClient } from '../services/projector.client';
import { SessionIdPipe } from '../sessions/session-id.pipe';

/** Genesys Co-browse compatible history, for contact-centre software that reads that API. */
@ApiTags('genesys-compatible history')
@ApiBearerAuth()
@RequireScope('read')
@Controller()
export class GenesysHistoryController {
  constructor(private readonly projector: ProjectorClient) {}

  @Get(['history/sessions/:id', 'cobrowse/rest/history/sessions/:id'])
  @ApiOperation({ summary: 'History of an ended session in the Genesys Co-browse shape' })
  @ApiResponse({ status: 200, type: GenesysHistoryDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'SESSION_NOT_FOUND or SESSION_NOT_ENDED' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
  ): Promise<GenesysSessionHistory> {
    const { session } = await this.projector.getSession(principal.tenant, id);
    if (session.state !== 'ended') {
      throw new ApiException(404, ErrorCode.SessionNotEnded, `session ${id} has not ended yet`, [
        { current_state: session.state },
      ]);
    }
    return toGenesysHistory(session);
  }
}
