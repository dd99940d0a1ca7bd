import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestErrorCode, RequestException, type Scope } from '@cobrowse/contracts';
import { ApiKeyRing } from './api-keys';
import { hasScope, type Principal } from './principal';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, WHOLE_TENANT } from './require-scope.decorator';
import { refuseUnderPolicy } from './session-access';
import { looksLikeJwt, TokenVerifier } from './tokens/token-verifier';

export type AuthenticatedRequest = Request & { principal?: Principal };

/**
 * `Authorization: Bearer <API key | JWT>` → principal (SPEC section 2); 401 for a missing or
 * unknown key or an invalid token, 403 for a missing scope.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRing,
    private readonly tokens: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(request.headers.authorization);
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'admin';
    if (!hasScope(principal, required)) {
      const who = principal.agent ? `the ${principal.agent.role} role` : 'this API key';
      throw new RequestException(RequestErrorCode.Forbidden, `${who} lacks the "${required}" scope`);
    }
    const wholeTenant = this.reflector.getAllAndOverride<string | undefined>(WHOLE_TENANT, targets);
    if (wholeTenant) refuseUnderPolicy(principal, wholeTenant);
    request.principal = principal;
    return true;
  }

  /** An API key is looked up first (in constant time); anything else shaped like a JWT is verified. */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match)
      throw new RequestException(
        RequestErrorCode.Unauthorized,
        'missing credentials: send Authorization: Bearer <API key or token>',
      );
    const principal = this.keys.resolve(match[1]);
    if (principal) return principal;
    if (looksLikeJwt(match[1])) return this.tokens.verify(match[1]);
    throw new RequestException(RequestErrorCode.Unauthorized, 'unknown API key');
  }
}
