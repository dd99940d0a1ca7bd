import { createHmac } from 'node:crypto';
import { validSecrets, type EndpointDocument } from '../endpoints/endpoint-document';
import { secretKey } from '../endpoints/endpoint-secret';
import type { WebhookMessage } from './webhook-message';

/**
 * The `webhook-signature` header of Standard Webhooks: `v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">` for each valid secret, space-separated (both during a rotation).
 */
export function signatureHeader(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const signed = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`)
    .join(' ');
}

/** The Standard Webhooks headers of one attempt, signed with every secret valid now. */
export function signedHeaders(
  endpoint: Pick<EndpointDocument, 'secrets'>,
  message: WebhookMessage,
): Record<string, string> {
  const now = Date.now();
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(validSecrets(endpoint, now), message.id, timestamp, message.body),
  };
}
