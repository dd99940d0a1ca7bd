import { Injectable } from '@nestjs/common';
import {
  RPC,
  type CreateWebhookEndpointRequest,
  type ListWebhookAttemptsReply,
  type ListWebhookAttemptsRequest,
  type ReplayWebhookRequest,
  type UpdateWebhookEndpointRequest,
  type WebhookEndpointRequest,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

/** The webhook-dispatcher service: webhook endpoints and their deliveries. */
@Injectable()
export class WebhooksClient {
  constructor(private readonly rpc: RpcClient) {}

  create(request: CreateWebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    return this.rpc.send(RPC.webhooksCreate, request);
  }

  list(tenant: string): Promise<{ data: WebhookEndpointView[] }> {
    return this.rpc.send(RPC.webhooksList, { tenant });
  }

  get(request: WebhookEndpointRequest): Promise<WebhookEndpointView> {
    return this.rpc.send(RPC.webhooksGet, request);
  }

  update(request: UpdateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    return this.rpc.send(RPC.webhooksUpdate, request);
  }

  delete(request: WebhookEndpointRequest): Promise<{ deleted: true }> {
    return this.rpc.send(RPC.webhooksDelete, request);
  }

  rotateSecret(request: WebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    return this.rpc.send(RPC.webhooksRotateSecret, request);
  }

  test(request: WebhookEndpointRequest): Promise<{ webhook_id: string }> {
    return this.rpc.send(RPC.webhooksTest, request);
  }

  replay(request: ReplayWebhookRequest): Promise<{ since: string; until: string }> {
    return this.rpc.send(RPC.webhooksReplay, request);
  }

  attempts(request: ListWebhookAttemptsRequest): Promise<ListWebhookAttemptsReply> {
    return this.rpc.send(RPC.webhooksAttempts, request);
  }
}
