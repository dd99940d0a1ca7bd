import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AnySessionEvent, SessionResource } from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/api-keys';
import {
  ErrorResponseDto,
  SessionCountDto,
  SessionEventsDto,
  SessionListDto,
  SessionResourceDto,
} from '../docs/schemas';
import { ProjectorClient } from '../services/projector.client';
import { SessionIdPipe } from './session-id.pipe';
import { ApiSessionFilters } from './session-query.decorators';
import { parseSessionQuery } from './session-query.parser';

@ApiTags('sessions')
@ApiBearerAuth()
@ApiResponse({ status: 401, type: ErrorResponseDto })
@ApiResponse({ status: 403, type: ErrorResponseDto })
@RequireScope('read')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly projector: ProjectorClient) {}

  @Get()
  @ApiOperation({ summary: "The tenant's sessions, newest created_at first, in stable cursor pages" })
  @ApiSessionFilters({ paging: true })
  @ApiResponse({ status: 200, type: SessionListDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED, INVALID_TAG_EXPRESSION, INVALID_CURSOR',
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ data: SessionResource[]; next_cursor: string | null }> {
    const { query, limit, cursor } = parseSessionQuery(raw, { paging: true });
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
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  count(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ count: number }> {
    const { query } = parseSessionQuery(raw, { paging: false });
    return this.projector.countSessions({ tenant: principal.tenant, query });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A session as the history projector has it; ETag is its version' })
  @ApiResponse({ status: 200, type: SessionResourceDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResource> {
    const { session, expires_at } = await this.projector.getSession(principal.tenant, id);
    response.setHeader('ETag', `"${session.version}"`);
    return toSessionResource(session, Date.now(), expires_at);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "The session's events so far, in order, from the event log" })
  @ApiResponse({ status: 200, type: SessionEventsDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto })
  events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
  ): Promise<{ data: AnySessionEvent[] }> {
    return this.projector.sessionEvents(principal.tenant, id);
  }
}
