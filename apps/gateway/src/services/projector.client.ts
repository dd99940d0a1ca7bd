import { Injectable } from '@nestjs/common';
import {
  RPC,
  type CountSessionsRequest,
  type GetSessionRequest,
  type ListSessionsReply,
  type ListSessionsRequest,
  type OpenExportReply,
  type OpenExportRequest,
  type PutRetentionRequest,
  type RetentionPolicy,
  type SessionView,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

/** The history-projector service: session read models and queries. */
@Injectable()
export class ProjectorClient {
  constructor(private readonly rpc: RpcClient) {}

  getRetention(tenant: string): Promise<RetentionPolicy> {
    return this.rpc.send<RetentionPolicy>(RPC.projectorGetRetention, { tenant });
  }

  /** The projector checks the policy again: it knows the cap that follows from the log's age limit. */
  putRetention(tenant: string, policy: RetentionPolicy): Promise<RetentionPolicy> {
    return this.rpc.send<RetentionPolicy, PutRetentionRequest>(RPC.projectorPutRetention, { tenant, policy });
  }

  getSession(tenant: string, sessionId: string): Promise<SessionView> {
    return this.rpc.send<SessionView, GetSessionRequest>(RPC.projectorGetSession, {
      tenant,
      session_id: sessionId,
    });
  }

  /** On FerretDB v1 a list or count scans and sorts the tenant's sessions: 20-40 s at 100k. */
  listSessions(request: ListSessionsRequest): Promise<ListSessionsReply> {
    return this.rpc.send<ListSessionsReply, ListSessionsRequest>(RPC.projectorListSessions, request, 120_000);
  }

  countSessions(request: CountSessionsRequest): Promise<{ count: number }> {
    return this.rpc.send<{ count: number }, CountSessionsRequest>(
      RPC.projectorCountSessions,
      request,
      120_000,
    );
  }

  /** The first pass (collecting the columns) scans every match, so it gets a long deadline. */
  openExport(request: OpenExportRequest): Promise<OpenExportReply> {
    return this.rpc.send<OpenExportReply, OpenExportRequest>(RPC.projectorOpenExport, request, 300_000);
  }
}
