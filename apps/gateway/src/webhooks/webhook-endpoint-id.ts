import { WebhookErrorCode, WebhookException } from '@cobrowse/contracts';

/** Endpoint ids are `ep_` and 24 hex digits; anything else names no endpoint (404, like an unknown one). */
export function checkEndpointId(id: string): string {
  if (!/^ep_[0-9a-f]{24}$/.test(id))
    throw new WebhookException(
      WebhookErrorCode.WebhookEndpointNotFound,
      `no webhook endpoint ${id.slice(0, 64)} in this tenant`,
    );
  return id;
}
