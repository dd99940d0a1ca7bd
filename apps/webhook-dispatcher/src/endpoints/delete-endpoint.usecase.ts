import { Injectable } from '@nestjs/common';
import type { WebhookEndpointRequest } from '@cobrowse/contracts';
import { AttemptsRepository } from '../delivery/attempts.repository';
import { EndpointChanges } from './endpoint-changes';
import { EndpointSubscriptions } from './endpoint-subscriptions';
import { endpointNotFound } from './update-endpoint.usecase';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** Deletes an endpoint, its consumer (what it had not delivered goes with it) and its attempts. */
@Injectable()
export class DeleteEndpointUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly subscriptions: EndpointSubscriptions,
    private readonly attempts: AttemptsRepository,
    private readonly changes: EndpointChanges,
  ) {}

  async execute({ tenant, id }: WebhookEndpointRequest): Promise<void> {
    if (!(await this.endpoints.find(tenant, id))) throw endpointNotFound(id);
    await this.endpoints.delete(tenant, id);
    this.changes.announce({ tenant, id });
    await this.subscriptions.drop({ id });
    await this.attempts.deleteAll(tenant, id);
  }
}
