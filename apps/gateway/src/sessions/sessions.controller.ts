import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SessionResource } from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/api-keys';
import { ErrorResponseDto, SessionResourceDto } from '../docs/schemas';
import { ProjectorClient } from '../services/projector.client';
import { SessionIdPipe } from './session-id.pipe';

@ApiTags('sessions')
@ApiBearerAuth()
@RequireScope('read')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly projector: ProjectorClient) {}

  @Get(':id')
  @ApiOperation({ summary: 'A session as the history projector has it' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
  ): Promise<SessionResource> {
    const { session, expires_at } = await this.projector.getSession(principal.tenant, id);
    return toSessionResource(session, Date.now(), expires_at);
  }
}
