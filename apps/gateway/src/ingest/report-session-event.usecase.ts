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

/**
 * One fact through a single-event endpoint: the lifecycle decides, and the answer is the
 * session as the lifecycle now knows it. A repeat gets the original's status code.
 */
@Injectable()
export class ReportSessionEventUseCase {
  constructor(private readonly lifecycle: LifecycleClient) {}

  async execute(tenant: string, event: ReportedSessionEvent): Promise<SessionResource> {
    const [result] = await this.lifecycle.append(tenant, [event], { includeSession: true });
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
