import { Injectable } from '@nestjs/common';
import {
  RPC,
  type AppendEventResult,
  type AppendEventsReply,
  type ReportedSessionEvent,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

/** Long enough for a 500-event batch on a busy log; a dead replica's requests fail after this. */
const APPEND_TIMEOUT_MS = 15_000;

/** The session-lifecycle service: the only writer of session events. */
@Injectable()
export class LifecycleClient {
  constructor(private readonly rpc: RpcClient) {}

  async append(tenant: string, events: ReportedSessionEvent[]): Promise<AppendEventResult[]> {
    const reply = await this.rpc.send<AppendEventsReply>(
      RPC.lifecycleAppend,
      { tenant, events },
      APPEND_TIMEOUT_MS,
    );
    return reply.results;
  }
}
