import { Injectable } from '@nestjs/common';
import {
  checkRetentionPolicy,
  retentionTtlCapSeconds,
  RetentionErrorCode,
  RetentionException,
  type RetentionPolicy,
} from '@cobrowse/contracts';
import { AppConfig } from '@cobrowse/config';
import { RetentionPolicyRepository } from './retention-policy.repository';

/** Sets a tenant's retention; the next sweep (and every read) uses it. */
@Injectable()
export class PutRetentionPolicyUseCase {
  constructor(
    private readonly policies: RetentionPolicyRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(tenant: string, body: unknown): Promise<RetentionPolicy> {
    const checked = checkRetentionPolicy(body, retentionTtlCapSeconds(this.config.EVENTS_MAX_AGE_DAYS));
    if (!checked.policy)
      throw new RetentionException(
        RetentionErrorCode.InvalidRetentionPolicy,
        checked.problems.join('; '),
        checked.problems,
      );
    await this.policies.save(tenant, checked.policy);
    return checked.policy;
  }
}
