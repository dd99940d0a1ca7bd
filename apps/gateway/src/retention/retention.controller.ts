import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RetentionPolicy } from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/api-keys';
import { ErrorResponseDto } from '../docs/schemas';
import { ProjectorClient } from '../services/projector.client';
import { RetentionPolicyDto } from './retention-policy.dto';

@ApiTags('retention')
@ApiBearerAuth()
@RequireScope('admin')
@ApiResponse({ status: 401, type: ErrorResponseDto })
@ApiResponse({ status: 403, type: ErrorResponseDto })
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly projector: ProjectorClient) {}

  @Get()
  @ApiOperation({ summary: "The tenant's retention policy (the defaults until one is set)" })
  @ApiResponse({ status: 200, type: RetentionPolicyDto })
  get(@CurrentPrincipal() principal: Principal): Promise<RetentionPolicy> {
    return this.projector.getRetention(principal.tenant);
  }

  @Put()
  @ApiOperation({
    summary:
      'Sets the retention policy; applies from the next sweep, without a restart, and recomputes expires_at',
  })
  @ApiBody({ type: RetentionPolicyDto })
  @ApiResponse({ status: 200, type: RetentionPolicyDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
  put(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<RetentionPolicy> {
    return this.projector.putRetention(principal.tenant, body);
  }
}
