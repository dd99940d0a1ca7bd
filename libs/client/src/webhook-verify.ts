import type { WebhookDelivery } from './types.js';

/** Thrown by `verifyWebhook` for a delivery not signed with the secret, or too old or too new. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (Standard Webhooks: 5 minutes). */
  toleranceSeconds?: number;
  /** Now, in ms (tests). */
  now?: number;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a webhook delivery the way Standard Webhooks receivers do, and answers its body: the
 * signature (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, any of several) with the
 * endpoint's secret (`whsec_…`), and a timestamp within the tolerance, so a captured delivery
 * cannot be replayed later. Pass the raw body as received (a re-serialised object would not
 * verify). Web Crypto: Node 20+ and browsers. Dedupe on the `webhook-id` header.
 */
export async function verifyWebhook(
  secret: string,
  headers: HeaderSource,
  body: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): Promise<WebhookDelivery> {
  const header = (name: string): string => {
    const value =
      headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
    const text = Array.isArray(value) ? value[0] : value;
    if (!text) throw new WebhookVerificationError(`the ${name} header is missing`);
    return text;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  const seconds = Number(timestamp);
  const now = (options.now ?? Date.now()) / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300))
    throw new WebhookVerificationError('the webhook-timestamp is not within the tolerance');
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const key = await crypto.subtle.importKey(
    'raw',
    base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${text}`);
  for (const candidate of signatures.split(' ')) {
    const [version, signature] = candidate.split(',');
    if (version !== 'v1' || !signature) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = base64Bytes(signature);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify('HMAC', key, bytes, signed)) return JSON.parse(text) as WebhookDelivery;
  }
  throw new WebhookVerificationError('no signature matches the secret');
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
