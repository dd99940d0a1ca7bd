import { Injectable } from '@nestjs/common';
import { RPC, type GetRetentionRequest, type RetentionPolicy } from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';
import { SharedLookups } from './shared-lookups';

const CACHE_MS = 2_000;

/**
 * A tenant's retention policy, asked of the history projector (whose it is): the tracker wants
 * the device TTL, the webhook dispatcher a session's expiry. Kept for a moment per tenant.
 */
@Injectable()
export class RetentionPolicyClient {
  private readonly cache = new SharedLookups<RetentionPolicy>(CACHE_MS);

  constructor(private readonly rpc: RpcClient) {}

  forTenant(tenant: string): Promise<RetentionPolicy> {
    return this.cache.get(tenant, () =>
      this.rpc.send<RetentionPolicy, GetRetentionRequest>(RPC.projectorGetRetention, { tenant }),
    );
  }
}
