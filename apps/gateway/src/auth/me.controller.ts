import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { WhoAmI } from '@cobrowse/contracts';
import { ApiErrors } from '../docs/api-errors.decorator';
import { WhoAmIDto } from '../docs/schemas';
import { CurrentPrincipal } from './principal.decorator';
import type { Principal } from './principal';
import { RequireScope } from './require-scope.decorator';

/** Who the credentials are: the dashboard shows the agent and hides what the role cannot do. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('v1/auth/me')
export class MeController {
  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'The tenant, scopes, actor, agent and policy of the credentials sent' })
  @ApiResponse({ status: 200, type: WhoAmIDto })
  @ApiErrors()
  me(@CurrentPrincipal() principal: Principal): WhoAmI {
    return {
      tenant: principal.tenant,
      scopes: [...principal.scopes],
      actor: principal.actor,
      agent: principal.agent ?? null,
      policy: principal.policy ?? null,
    };
  }
}
