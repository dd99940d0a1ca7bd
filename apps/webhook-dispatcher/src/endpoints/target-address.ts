import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { parseWebhookUrl, WebhookErrorCode, WebhookException } from '@cobrowse/contracts';

/**
 * Addresses a webhook may not reach unless WEBHOOKS_ALLOW_PRIVATE is set: loopback, private
 * networks, link-local (cloud metadata, 169.254.169.254, among them), carrier-grade NAT,
 * unspecified, multicast and reserved ranges, in IPv4 and IPv6 (IPv4-mapped IPv6 included).
 */
const refused = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  refused.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  refused.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is one a webhook may not reach without WEBHOOKS_ALLOW_PRIVATE. */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return refused.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1], 'ipv4');
  return refused.check(address, 'ipv6');
}

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
  let addresses: string[];
  try {
    addresses = isIP(host)
      ? [host]
      : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw notAllowed(`${host} does not resolve`);
  }
  const bad = addresses.find(isRefusedAddress);
  if (bad)
    throw notAllowed(
      `${host} resolves to ${bad}: loopback, private, link-local and metadata addresses are refused`,
    );
}

function notAllowed(message: string): WebhookException {
  return new WebhookException(WebhookErrorCode.WebhookUrlNotAllowed, message);
}
