import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { concatMap, type Observable } from 'rxjs';
import { RequestErrorCode, RequestException } from '@cobrowse/contracts';
import { AuditLog } from '@cobrowse/messaging';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { AUDITED, type AuditedRoute } from './audited.decorator';

/**
 * Records an @Audited route's action after it succeeded and before the client hears so: a
 * client told "done" finds the action in `GET /v1/audit`. An action that failed is not
 * recorded; one whose record could not be written answers 503 and is safe to repeat (every
 * audited route is idempotent: a put, a delete, an erasure).
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return next.handle().pipe(
      concatMap(async (result: unknown) => {
        const { target, details } = route.describe(request.params as Record<string, string>, result);
        const { tenant, actor } = request.principal!;
        const record = { tenant, actor, action: route.action, target, ...(details ? { details } : {}) };
        await this.audit.append(record).catch(() => {
          throw new RequestException(
            RequestErrorCode.ServiceUnavailable,
            'the action was taken but its audit record could not be written; repeat it',
          );
        });
        return result;
      }),
    );
  }
}
