import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RequestErrorCode, RequestException, type Scope } from '@cobrowse/contracts';
import { ApiKeyRing, hasScope, type Principal } from './api-keys';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './require-scope.decorator';

export type AuthenticatedRequest = Request & { principal?: Principal };

/** Bearer API key → principal; 401 for a missing or unknown key, 403 for a missing scope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRing,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.authenticate(request.headers.authorization);
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'admin';
    if (!hasScope(principal, required)) {
      throw new RequestException(RequestErrorCode.Forbidden, `this API key lacks the "${required}" scope`);
    }
    request.principal = principal;
    return true;
  }

  authenticate(header: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match)
      throw new RequestException(
        RequestErrorCode.Unauthorized,
        'missing API key: send Authorization: Bearer <key>',
      );
    const principal = this.keys.resolve(match[1]);
    if (!principal) throw new RequestException(RequestErrorCode.Unauthorized, 'unknown API key');
    return principal;
  }
}
