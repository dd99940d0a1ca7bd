import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { QueryErrorCode } from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { ProjectorClient } from '../services/projector.client';
import { writeDrained } from '../http/write-drained';
import { ApiSessionFilters } from './session-query.decorators';
import { parseSessionQuery } from './session-query.parser';
import { ApiErrors } from '../docs/api-errors.decorator';

@ApiTags('sessions')
@ApiBearerAuth()
@RequireScope('read')
@Controller('v1/sessions')
export class SessionsExportController {
  private readonly logger = new Logger(SessionsExportController.name);

  constructor(private readonly projector: ProjectorClient) {}

  @Get('export.csv')
  @ApiOperation({
    summary: 'Every matching session as CSV (RFC 4180, UTF-8), streamed with constant memory, no row limit',
    description:
      'Columns: device_locale, os_version, os_api_level, app_id, app_name, app_version, app_build, sdk_version, ' +
      'platform, agent_name, agent_email, session_id, session_created, session_ended, then one column per custom ' +
      'data key found (sorted). Dates YYYY-MM-DD HH-MM-SS UTC. Formula-like cells are prefixed with an apostrophe.',
  })
  @ApiSessionFilters({ paging: false })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'text/csv', schema: { type: 'string' } })
  @ApiErrors(QueryErrorCode.InvalidQuery, QueryErrorCode.InvalidTagExpression)
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
    @Res() response: Response,
  ): Promise<void> {
    const { query } = parseSessionQuery(raw, { paging: false }, principal);
    const exported = await this.projector.openExport({ tenant: principal.tenant, query });
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="sessions.csv"');
    response.setHeader('Cache-Control', 'no-store');
    let clientGone = false;
    response.on('close', () => (clientGone = true));

    await writeDrained(response, exported.header);
    try {
      for (;;) {
        if (clientGone) return exported.close();
        const chunk = await exported.next();
        if (chunk.csv) await writeDrained(response, chunk.csv);
        if (chunk.done) break;
      }
      response.end();
    } catch (e) {
      // Headers are sent: the only honest signal left is a cut-off response.
      this.logger.error({ msg: 'export aborted', error: (e as Error).message });
      response.destroy();
    }
  }
}
