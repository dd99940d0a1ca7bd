import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { SessionResource } from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { SessionCountDto, SessionEventsDto, SessionListDto, SessionResourceDto } from '../docs/schemas';
import { ProjectorClient } from '../services/projector.client';
import { SessionAccess } from '../auth/session-access';
import { SessionEventsStream } from './session-events.stream';
import { SessionIdPipe } from './session-id.pipe';
import { ApiSessionFilters } from './session-query.decorators';
import { parseSessionQuery } from './session-query.parser';
import { QueryErrorCode, SessionErrorCode } from '@cobrowse/contracts';
import { ApiErrors } from '../docs/api-errors.decorator';

@ApiTags('sessions')
@ApiBearerAuth()
@RequireScope('read')
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly projector: ProjectorClient,
    private readonly eventsStream: SessionEventsStream,
    private readonly access: SessionAccess,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's sessions, newest created_at first, in stable cursor pages" })
  @ApiSessionFilters({ paging: true })
  @ApiResponse({ status: 200, type: SessionListDto })
  @ApiErrors(QueryErrorCode.InvalidQuery, QueryErrorCode.InvalidCursor, QueryErrorCode.InvalidTagExpression)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ data: SessionResource[]; next_cursor: string | null }> {
    const { query, limit, cursor } = parseSessionQuery(raw, { paging: true }, principal);
    const page = await this.projector.listSessions({ tenant: principal.tenant, query, limit, cursor });
    const now = Date.now();
    return {
      data: page.data.map((v) => toSessionResource(v.session, now, v.expires_at)),
      next_cursor: page.next_cursor,
    };
  }

  @Get('count')
  @ApiOperation({ summary: 'How many sessions match the same filters as the list' })
  @ApiSessionFilters({ paging: false })
  @ApiResponse({ status: 200, type: SessionCountDto })
  @ApiErrors(QueryErrorCode.InvalidQuery, QueryErrorCode.InvalidTagExpression)
  count(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ count: number }> {
    const { query } = parseSessionQuery(raw, { paging: false }, principal);
    return this.projector.countSessions({ tenant: principal.tenant, query });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A session as the history projector has it; ETag is its version' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiErrors(SessionErrorCode.SessionNotFound)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResource> {
    const { session, expires_at } = await this.access.view(principal, id);
    response.setHeader('ETag', `"${session.version}"`);
    return toSessionResource(session, Date.now(), expires_at);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "The session's events so far, in order, from the event log" })
  @ApiResponse({ status: 200, type: SessionEventsDto })
  @ApiErrors(SessionErrorCode.SessionNotFound)
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Res() response: Response,
  ): Promise<void> {
    await this.access.check(principal, id);
    return this.eventsStream.write(response, principal.tenant, id);
  }
}
