import { Injectable } from '@nestjs/common';
import { WebhookErrorCode, WebhookException, type ReplayWebhookRequest } from '@cobrowse/contracts';
import { EventLog } from '@cobrowse/messaging';
import { EndpointChanges } from './endpoint-changes';
import { EndpointSubscriptions } from './endpoint-subscriptions';
import { endpointNotFound } from './update-endpoint.usecase';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

export interface ReplayStarted {
  since: string;
  until: string;
}

/**
 * `POST …/{id}/replay`: the endpoint's events recorded in [since, until], sent again from the
 * log with their original `webhook-id`s (receivers dedupe on it), in log order per session,
 * retried like any delivery, beside the endpoint's live deliveries. A replay asked for while
 * another runs replaces it.
 */
@Injectable()
export class ReplayEndpointUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly subscriptions: EndpointSubscriptions,
    private readonly log: EventLog,
    private readonly changes: EndpointChanges,
  ) {}

  async execute({ tenant, id, range }: ReplayWebhookRequest): Promise<ReplayStarted> {
    const endpoint = await this.endpoints.find(tenant, id);
    if (!endpoint) throw endpointNotFound(id);
    if (!endpoint.enabled)
      throw new WebhookException(
        WebhookErrorCode.WebhookEndpointDisabled,
        'the endpoint is disabled: enable it, then replay what it missed',
      );
    const to = await this.log.end();
    await this.subscriptions.startReplay(endpoint, range.since);
    await this.endpoints.set(endpoint, { replay: { ...range, to } });
    this.changes.announce({ tenant, id });
    return { since: new Date(range.since).toISOString(), until: new Date(range.until).toISOString() };
  }
}
