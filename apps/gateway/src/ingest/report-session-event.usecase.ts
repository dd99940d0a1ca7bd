import { Injectable } from '@nestjs/common';
import type { AppendEventResult, ReportedSessionEvent, SessionResource } from '@cobrowse/contracts';
import { toSessionResource } from '@cobrowse/session-domain';
import { ApiException } from '../errors/api.exception';
import { LifecycleClient } from '../services/lifecycle.client';

/**
 * One fact through a single-event endpoint: the lifecycle decides, and the answer is the
 * session as the lifecycle now knows it. A repeat gets the original's status code.
 */
@Injectable()
export class ReportSessionEventUseCase {
  constructor(private readonly lifecycle: LifecycleClient) {}

  async execute(tenant: string, event: ReportedSessionEvent): Promise<SessionResource> {
    const [result] = await this.lifecycle.append(tenant, [event]);
    return this.toResource(result);
  }

  private toResource(result: AppendEventResult): SessionResource {
    if (result.status === 'rejected' || !result.session) {
      throw ApiException.fromBody(
        result.error ?? { statusCode: 500, code: 'INTERNAL_ERROR', message: 'the lifecycle gave no answer' },
      );
    }
    return toSessionResource(result.session, Date.now());
  }
}
