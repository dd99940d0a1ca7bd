import { Injectable } from '@nestjs/common';
import {
  RPC,
  type AppendEventResult,
  type AppendEventsReply,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

/** The session-lifecycle service: the only writer of session events. */
@Injectable()
export class LifecycleClient {
  constructor(private readonly rpc: RpcClient) {}

  async append(tenant: string, events: ReportedSessionEvent[]): Promise<AppendEventResult[]> {
    const reply = await this.rpc.send<AppendEventsReply>(RPC.lifecycleAppend, { tenant, events }, 30_000);
    return reply.results;
  }
}
