import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthErrorCode, AuthException, ISSUER_NAME_PATTERN, type TrustedIssuer } from '@cobrowse/contracts';
import { Audited } from '../../audit/audited.decorator';
import { ApiErrors, BODY_ERRORS } from '../../docs/api-errors.decorator';
import { TrustedIssuerDto, TrustedIssuerListDto } from '../../docs/schemas';
import { CurrentPrincipal } from '../principal.decorator';
import type { Principal } from '../principal';
import { RequireScope, WholeTenant } from '../require-scope.decorator';
import { checkIssuerBody } from './issuer-body';
import { SaveIssuerUseCase } from './save-issuer.usecase';
import { TrustedIssuersStore } from './trusted-issuers.store';

const NOT_FOUND = AuthErrorCode.IssuerNotFound;

function checkName(name: string): string {
  if (!ISSUER_NAME_PATTERN.test(name))
    throw new AuthException(NOT_FOUND, 'issuer names match ^[a-z0-9][a-z0-9_-]{0,63}$');
  return name;
}

const describeIssuer = (params: Record<string, string>, result: unknown) => {
  const saved = result as TrustedIssuer | undefined;
  return {
    target: params.name,
    ...(saved?.issuer ? { details: { issuer: saved.issuer, audience: saved.audience } } : {}),
  };
};

/** The JWT issuers a tenant trusts (SPEC section 12); the tenant is always the caller's. */
@ApiTags('auth')
@ApiBearerAuth()
@RequireScope('admin')
// A new issuer could sign tokens without the policy: not for a token that has one.
@WholeTenant('manage trusted issuers')
@Controller('v1/auth/issuers')
export class IssuersController {
  constructor(
    private readonly store: TrustedIssuersStore,
    private readonly save: SaveIssuerUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's trusted issuers, by name" })
  @ApiResponse({ status: 200, type: TrustedIssuerListDto })
  @ApiErrors()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ data: TrustedIssuer[] }> {
    return { data: await this.store.ofTenant(principal.tenant) };
  }

  @Get(':name')
  @ApiResponse({ status: 200, type: TrustedIssuerDto })
  @ApiErrors(NOT_FOUND)
  async get(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<TrustedIssuer> {
    const issuer = await this.store.get(principal.tenant, checkName(name));
    if (!issuer) throw new AuthException(NOT_FOUND, `issuer ${name} not found`);
    return issuer;
  }

  @Put(':name')
  @ApiOperation({
    summary: 'Trusts an issuer: tokens it signs for this audience sign agents in to this tenant',
    description:
      'Body {"issuer", "audience", "jwks": {"keys": [...]} | "jwks_url"}. RS256, ES256 and EdDSA public keys. ' +
      'An issuer and audience pair is trusted by one entry of one tenant at most (409 otherwise).',
  })
  @ApiResponse({ status: 200, type: TrustedIssuerDto })
  @ApiErrors(
    ...BODY_ERRORS,
    AuthErrorCode.InvalidIssuer,
    AuthErrorCode.IssuerAlreadyTrusted,
    AuthErrorCode.IssuerLimitReached,
  )
  @Audited('issuer.saved', describeIssuer)
  async put(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<TrustedIssuer> {
    return this.save.execute(principal.tenant, checkName(name), await checkIssuerBody(body));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stops trusting an issuer: its tokens are refused from the next request on' })
  @ApiErrors(NOT_FOUND)
  @Audited('issuer.deleted', describeIssuer)
  async remove(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    const issuer = await this.store.get(principal.tenant, checkName(name));
    if (!issuer) throw new AuthException(NOT_FOUND, `issuer ${name} not found`);
    await this.store.remove(issuer);
  }
}
