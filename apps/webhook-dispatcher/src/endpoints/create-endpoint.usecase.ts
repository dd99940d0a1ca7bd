import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import {
  WEBHOOK_LIMITS,
  WebhookErrorCode,
  WebhookException,
  type CreateWebhookEndpointRequest,
  type WebhookEndpointWithSecret,
} from '@cobrowse/contracts';
import { EndpointChanges } from './endpoint-changes';
import { endpointDocumentId, toEndpointView, type EndpointDocument } from './endpoint-document';
import { newSecret } from './endpoint-secret';
import { EndpointSubscriptions } from './endpoint-subscriptions';
import { checkTargetUrl } from './target-address';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/**
 * Creates an endpoint and, when enabled, its consumer of the log before answering: every event
 * accepted after the 201 is delivered to it.
 */
@Injectable()
export class CreateEndpointUseCase {
  constructor(
    private readonly config: AppConfig,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly subscriptions: EndpointSubscriptions,
    private readonly changes: EndpointChanges,
  ) {}

  async execute({ tenant, settings }: CreateWebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    if (!settings.url) throw new WebhookException(WebhookErrorCode.InvalidWebhookEndpoint, 'url is required');
    await checkTargetUrl(settings.url, { allowPrivate: this.config.WEBHOOKS_ALLOW_PRIVATE });
    if ((await this.endpoints.ofTenant(tenant)).length >= WEBHOOK_LIMITS.endpointsPerTenant)
      throw new WebhookException(
        WebhookErrorCode.WebhookEndpointLimitReached,
        `a tenant has at most ${WEBHOOK_LIMITS.endpointsPerTenant} webhook endpoints`,
      );
    const id = `ep_${randomBytes(12).toString('hex')}`;
    const now = Date.now();
    const secret = newSecret();
    const endpoint: EndpointDocument = {
      _id: endpointDocumentId(tenant, id),
      tenant,
      id,
      url: settings.url,
      description: settings.description ?? '',
      event_types: settings.event_types ?? null,
      filter: settings.filter ?? null,
      enabled: settings.enabled ?? true,
      rate_limit: settings.rate_limit ?? null,
      include_session: settings.include_session ?? false,
      secrets: [{ secret, expires_at: null }],
      disabled_reason: null,
      failing_since: null,
      replay: null,
      created_at: now,
      updated_at: now,
    };
    if (endpoint.enabled) await this.subscriptions.ensure(endpoint);
    await this.endpoints.insert(endpoint);
    this.changes.announce({ tenant, id });
    return { ...toEndpointView(endpoint), secret };
  }
}
