import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  type GetRetentionRequest,
  type PutRetentionRequest,
  type RetentionPolicy,
} from '@cobrowse/contracts';
import { PutRetentionPolicyUseCase } from './put-retention-policy.usecase';
import { RetentionPolicyRepository } from './retention-policy.repository';

@Controller()
export class RetentionController {
  constructor(
    private readonly policies: RetentionPolicyRepository,
    private readonly putPolicy: PutRetentionPolicyUseCase,
  ) {}

  @MessagePattern(RPC.projectorGetRetention)
  get(@Payload() request: GetRetentionRequest): Promise<RetentionPolicy> {
    return this.policies.forTenant(request.tenant);
  }

  @MessagePattern(RPC.projectorPutRetention)
  put(@Payload() request: PutRetentionRequest): Promise<RetentionPolicy> {
    return this.putPolicy.execute(request.tenant, request.policy);
  }
}
