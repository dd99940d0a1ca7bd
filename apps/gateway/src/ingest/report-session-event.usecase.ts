import { Injectable } from '@nestjs/common';
import {
  ErrorReply,
  RequestErrorCode,
  RequestException,
  type AppendEventResult,
  type ReportedSessionEvent,
  type SessionResource,
} from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { LifecycleClient } from '../services/lifecycle.client';
import type { Principal } from '../auth/principal';
import { refuseUnderPolicy, SessionAccess } from '../auth/session-access';

/**
 * One fact through a single-event endpoint: the lifecycle decides, and the answer is the
 * session as the lifecycle now knows it. A repeat gets the original's status code.
 */
@Injectable()
export class ReportSessionEventUseCase {
  constructor(
    private readonly lifecycle: LifecycleClient,
    private readonly access: SessionAccess,
  ) {}

  /** The principal is the event's actor; under a policy, only sessions inside it can be reported on. */
  async execute(principal: Principal, event: ReportedSessionEvent): Promise<SessionResource> {
    if (event.type === 'session.created') refuseUnderPolicy(principal, 'create sessions');
    else await this.access.check(principal, event.session_id);
    const reported = { ...event, actor: principal.actor };
    const [result] = await this.lifecycle.append(principal.tenant, [reported], { includeSession: true });
    return this.toResource(result);
  }

  private toResource(result: AppendEventResult): SessionResource {
    if (result.status === 'rejected' || !result.session) throw answeredError(result);
    return toSessionResource(result.session, Date.now());
  }
}

/** The error a single-event endpoint answers for a result that carries no session. */
export function answeredError(result: AppendEventResult): Error {
  return result.error
    ? new ErrorReply(result.error)
    : new RequestException(RequestErrorCode.InternalError, 'the lifecycle gave no answer');
}
