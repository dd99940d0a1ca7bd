import { Injectable } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import {
  WebhookErrorCode,
  WebhookException,
  type UpdateWebhookEndpointRequest,
  type WebhookEndpointView,
} from '@cobrowse/contracts';
import { EndpointChanges } from './endpoint-changes';
import { toEndpointView, type EndpointDocument } from './endpoint-document';
import { EndpointSubscriptions } from './endpoint-subscriptions';
import { checkTargetUrl } from './target-address';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/**
 * Changes an endpoint's settings. Enabling one (again) starts its deliveries from now, with its
 * failure record cleared; disabling drops its consumer and what it had not delivered.
 */
@Injectable()
export class UpdateEndpointUseCase {
  constructor(
    private readonly config: AppConfig,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly subscriptions: EndpointSubscriptions,
    private readonly changes: EndpointChanges,
  ) {}

  async execute({ tenant, id, settings }: UpdateWebhookEndpointRequest): Promise<WebhookEndpointView> {
    const stored = await this.endpoints.find(tenant, id);
    if (!stored) throw endpointNotFound(id);
    if (settings.url !== undefined)
      await checkTargetUrl(settings.url, { allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE });
    const fields: Partial<EndpointDocument> = { ...settings, updated_at: Date.now() };
    if (settings.enabled === true && !stored.enabled) {
      fields.disabled_reason = null;
      fields.failing_since = null;
    }
    const endpoint: EndpointDocument = { ...stored, ...fields };
    if (endpoint.enabled) await this.subscriptions.ensure(endpoint);
    await this.endpoints.set(endpoint, fields);
    if (!endpoint.enabled && stored.enabled) await this.subscriptions.drop(endpoint);
    this.changes.announce({ tenant, id });
    return toEndpointView(endpoint);
  }
}

export function endpointNotFound(id: string): WebhookException {
  return new WebhookException(
    WebhookErrorCode.WebhookEndpointNotFound,
    `no webhook endpoint ${id.slice(0, 64)} in this tenant`,
  );
}
