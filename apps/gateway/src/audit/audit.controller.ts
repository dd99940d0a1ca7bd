import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthErrorCode, QueryErrorCode, QueryException, type AuditRecord } from '@cobrowse/contracts';
import { AuditLog } from '@cobrowse/messaging';
import { CurrentPrincipal } from '../auth/principal.decorator';
import type { Principal } from '../auth/principal';
import { RequireScope, WholeTenant } from '../auth/require-scope.decorator';
import { ApiErrors } from '../docs/api-errors.decorator';
import { AuditPageDto } from '../docs/schemas';
import { QueryParams } from '../query/query-params';

@ApiTags('audit')
@ApiBearerAuth()
@RequireScope('admin')
@WholeTenant("read the tenant's audit")
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({
    summary: "The tenant's administrative actions, oldest first, with who took them",
    description:
      'Retention changes, erasures, trusted issuer changes and webhook endpoint changes (SPEC section 12).',
  })
  @ApiQuery({
    name: 'since',
    required: false,
    type: String,
    description: 'ISO 8601 or epoch ms (default: all kept)',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiResponse({ status: 200, type: AuditPageDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, QueryErrorCode.InvalidQuery, QueryErrorCode.InvalidCursor)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() raw: Record<string, unknown>,
  ): Promise<{ data: AuditRecord[]; next_cursor: string | null }> {
    const params = new QueryParams(raw);
    const since = params.time('since') ?? 0;
    const limit = params.limit();
    const cursor = params.cursor();
    params.done();
    const from = cursor !== undefined ? { next: decodeCursor(cursor) } : { since: new Date(since) };
    const { records, next } = await this.audit.page(principal.tenant, from, limit);
    return { data: records, next_cursor: next === null ? null : encodeCursor(next) };
  }
}

const encodeCursor = (seq: number) => Buffer.from(`audit:${seq}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new QueryException(QueryErrorCode.InvalidCursor, 'cursor is not one this service gave out');
  return Number(match[1]);
}
