import { Injectable } from '@nestjs/common';
import { RPC, type GetSessionRequest, type SessionSnapshot } from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

export interface ProjectedSession {
  session: SessionSnapshot;
  expires_at: number | null;
}

/** The history-projector service: session read models and queries. */
@Injectable()
export class ProjectorClient {
  constructor(private readonly rpc: RpcClient) {}

  getSession(tenant: string, sessionId: string): Promise<ProjectedSession> {
    return this.rpc.send<ProjectedSession, GetSessionRequest>(RPC.projectorGetSession, {
      tenant,
      session_id: sessionId,
    });
  }
}
