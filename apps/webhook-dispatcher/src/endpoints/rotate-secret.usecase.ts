import { Injectable } from '@nestjs/common';
import type { WebhookEndpointRequest, WebhookEndpointWithSecret } from '@cobrowse/contracts';
import { EndpointChanges } from './endpoint-changes';
import { toEndpointView } from './endpoint-document';
import { newSecret } from './endpoint-secret';
import { endpointNotFound } from './update-endpoint.usecase';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** The old secret stays valid this long after a rotation; deliveries carry both signatures meanwhile. */
export const OLD_SECRET_VALID_MS = 24 * 3600 * 1000;

/** A new secret, answered once; the one before it signs too for OLD_SECRET_VALID_MS. */
@Injectable()
export class RotateSecretUseCase {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly changes: EndpointChanges,
  ) {}

  async execute({ tenant, id }: WebhookEndpointRequest): Promise<WebhookEndpointWithSecret> {
    const stored = await this.endpoints.find(tenant, id);
    if (!stored) throw endpointNotFound(id);
    const now = Date.now();
    const secret = newSecret();
    const secrets = [
      { secret, expires_at: null },
      ...stored.secrets
        .filter((s) => s.expires_at === null || s.expires_at > now)
        .map((s) => ({
          secret: s.secret,
          expires_at: Math.min(s.expires_at ?? Infinity, now + OLD_SECRET_VALID_MS),
        })),
    ];
    await this.endpoints.set(stored, { secrets, updated_at: now });
    this.changes.announce({ tenant, id });
    return { ...toEndpointView({ ...stored, updated_at: now }), secret };
  }
}
