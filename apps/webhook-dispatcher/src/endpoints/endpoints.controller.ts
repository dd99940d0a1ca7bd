import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
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
import { AttemptsRepository } from '../delivery/attempts.repository';
import { SendTestUseCase } from '../delivery/send-test.usecase';
import { CreateEndpointUseCase } from './create-endpoint.usecase';
import { DeleteEndpointUseCase } from './delete-endpoint.usecase';
import { toEndpointView } from './endpoint-document';
import { ReplayEndpointUseCase, type ReplayStarted } from './replay-endpoint.usecase';
import { RotateSecretUseCase } from './rotate-secret.usecase';
import { endpointNotFound, UpdateEndpointUseCase } from './update-endpoint.usecase';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** The gateway's webhook requests; the tenant in each is the caller's key's. */
@Controller()
export class EndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly attempts: AttemptsRepository,
    private readonly create: CreateEndpointUseCase,
    private readonly update: UpdateEndpointUseCase,
    private readonly remove: DeleteEndpointUseCase,
    private readonly rotate: RotateSecretUseCase,
    private readonly test: SendTestUseCase,
    private readonly replay: ReplayEndpointUseCase,
  ) {}

  @MessagePattern(RPC.webhooksCreate)
  created(@Payload() request: CreateWebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    return this.create.execute(request);
  }

  @MessagePattern(RPC.webhooksList)
  async list(@Payload() { tenant }: { tenant: string }): Promise<{ data: WebhookEndpointView[] }> {
    return { data: (await this.endpoints.ofTenant(tenant)).map(toEndpointView) };
  }

  @MessagePattern(RPC.webhooksGet)
  async get(@Payload() { tenant, id }: WebhookEndpointRequest): Promise<WebhookEndpointView> {
    const endpoint = await this.endpoints.find(tenant, id);
    if (!endpoint) throw endpointNotFound(id);
    return toEndpointView(endpoint);
  }

  @MessagePattern(RPC.webhooksUpdate)
  updated(@Payload() request: UpdateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    return this.update.execute(request);
  }

  @MessagePattern(RPC.webhooksDelete)
  async deleted(@Payload() request: WebhookEndpointRequest): Promise<{ deleted: true }> {
    await this.remove.execute(request);
    return { deleted: true };
  }

  @MessagePattern(RPC.webhooksRotateSecret)
  rotated(@Payload() request: WebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    return this.rotate.execute(request);
  }

  @MessagePattern(RPC.webhooksTest)
  tested(@Payload() request: WebhookEndpointRequest): Promise<{ webhook_id: string }> {
    return this.test.execute(request);
  }

  @MessagePattern(RPC.webhooksReplay)
  replayed(@Payload() request: ReplayWebhookRequest): Promise<ReplayStarted> {
    return this.replay.execute(request);
  }

  @MessagePattern(RPC.webhooksAttempts)
  async attemptsOf(@Payload() request: ListWebhookAttemptsRequest): Promise<ListWebhookAttemptsReply> {
    if (!(await this.endpoints.find(request.tenant, request.id))) throw endpointNotFound(request.id);
    return this.attempts.list(request.tenant, request.id, request.limit, request.cursor);
  }
}
