import { Injectable } from '@nestjs/common';
import { RPC, type GetRetentionRequest, type RetentionPolicy } from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

const CACHE_MS = 2_000;

/** Retention policies are the history projector's; the tracker asks for the device TTL. */
@Injectable()
export class RetentionPolicyClient {
  private readonly cache = new Map<string, { policy: RetentionPolicy; at: number }>();

  constructor(private readonly rpc: RpcClient) {}

  async forTenant(tenant: string): Promise<RetentionPolicy> {
    const cached = this.cache.get(tenant);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.policy;
    const policy = await this.rpc.send<RetentionPolicy, GetRetentionRequest>(RPC.projectorGetRetention, {
      tenant,
    });
    this.cache.set(tenant, { policy, at: Date.now() });
    return policy;
  }
}
