import { Injectable } from '@nestjs/common';
import { RPC, type GetRetentionRequest, type RetentionPolicy } from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';
import { SharedLookups } from '@cobrowse/platform';

const CACHE_MS = 2_000;

/** Retention policies are the history projector's; the tracker asks for the device TTL. */
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
