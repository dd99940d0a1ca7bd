import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AuthErrorCode,
  checkRetentionPolicy,
  RetentionErrorCode,
  RetentionException,
  type RetentionPolicy,
} from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope, WholeTenant } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { ProjectorClient } from '../services/projector.client';
import { RetentionPolicyDto } from './retention-policy.dto';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';
import { Audited } from '../audit/audited.decorator';

@ApiTags('retention')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly projector: ProjectorClient) {}

  @Get()
  @ApiOperation({ summary: "The tenant's retention policy (the defaults until one is set)" })
  @ApiResponse({ status: 200, type: RetentionPolicyDto })
  @ApiErrors()
  get(@CurrentPrincipal() principal: Principal): Promise<RetentionPolicy> {
    return this.projector.getRetention(principal.tenant);
  }

  @Put()
  @WholeTenant("change the tenant's retention")
  @ApiOperation({
    summary:
      'Sets the retention policy; applies from the next sweep, without a restart, and recomputes expires_at',
  })
  @ApiBody({ type: RetentionPolicyDto })
  @ApiResponse({ status: 200, type: RetentionPolicyDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, ...BODY_ERRORS, RetentionErrorCode.InvalidRetentionPolicy)
  @Audited('retention.updated', (_params, result) => ({
    target: 'retention',
    details: result as Record<string, unknown>,
  }))
  put(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<RetentionPolicy> {
    // The shape is checked here so only two numbers travel on; the projector knows the cap.
    const checked = checkRetentionPolicy(body, Number.MAX_SAFE_INTEGER);
    if (!checked.policy)
      throw new RetentionException(
        RetentionErrorCode.InvalidRetentionPolicy,
        checked.problems.join('; '),
        checked.problems,
      );
    return this.projector.putRetention(principal.tenant, checked.policy);
  }
}
