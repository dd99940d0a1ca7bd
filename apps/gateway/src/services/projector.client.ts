import { Injectable } from '@nestjs/common';
import {
  isErrorBody,
  RPC,
  type ExportChunkReply,
  type ExportChunkRequest,
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
import { NatsConnectionService, RpcClient } from '@cobrowse/messaging';

const CHUNK_TIMEOUT_MS = 30_000;

/** An export the projector opened: its CSV header, then chunks until `done`. */
export interface ExportCursor {
  header: string;
  next(): Promise<ExportChunkReply>;
  /** Ends the export early (the client went away); the replica frees it. */
  close(): void;
}

/** The history-projector service: session read models and queries. */
@Injectable()
export class ProjectorClient {
  constructor(
    private readonly rpc: RpcClient,
    private readonly nats: NatsConnectionService,
  ) {}

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

  /**
   * The first pass (collecting the columns) scans every match, so it gets a long deadline.
   * Chunks then come from the replica that opened the export, on the subject it named.
   */
  async openExport(request: OpenExportRequest): Promise<ExportCursor> {
    const opened = await this.rpc.send<OpenExportReply, OpenExportRequest>(
      RPC.projectorOpenExport,
      request,
      300_000,
    );
    const ask = (op: ExportChunkRequest['op']): string => JSON.stringify({ export_id: opened.export_id, op });
    return {
      header: opened.header,
      next: async () => {
        const reply = await this.nats.nc.request(opened.next_subject, ask('next'), {
          timeout: CHUNK_TIMEOUT_MS,
        });
        const chunk = reply.json<ExportChunkReply | { error: unknown }>();
        if ('error' in chunk)
          throw new Error(isErrorBody(chunk.error) ? chunk.error.message : 'export failed');
        return chunk;
      },
      close: () => this.nats.nc.publish(opened.next_subject, ask('close')),
    };
  }
}
