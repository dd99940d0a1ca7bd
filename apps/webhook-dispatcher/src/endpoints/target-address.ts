import { refusedTarget } from '@cobrowse/platform';
import { parseWebhookUrl, WebhookErrorCode, WebhookException } from '@cobrowse/contracts';

export interface TargetPolicy {
  allowPrivate: boolean;
}

/**
 * Checks an endpoint URL when it is set: https (http only where private targets are allowed)
 * and every address its name resolves to allowed. Deliveries check again when they connect
 * (webhook-sender.ts), so a name that later resolves elsewhere is refused then.
 */
export async function checkTargetUrl(url: string, policy: TargetPolicy): Promise<void> {
  const parsed = parseWebhookUrl(url);
  if (!parsed) throw notAllowed('the url must be an absolute http(s) URL without credentials');
  if (parsed.protocol !== 'https:' && !policy.allowPrivate)
    throw notAllowed('the url must be https (plain http only where WEBHOOKS_ALLOW_PRIVATE is set)');
  if (policy.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const refusal = await refusedTarget(host);
  if (refusal) throw notAllowed(refusal);
}

function notAllowed(message: string): WebhookException {
  return new WebhookException(WebhookErrorCode.WebhookUrlNotAllowed, message);
}
