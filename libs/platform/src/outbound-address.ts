import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses the service's outbound requests (webhooks, issuers' key sets) may not reach unless
 * private targets are allowed (WEBHOOKS_ALLOW_PRIVATE, JWKS_ALLOW_PRIVATE): loopback, private
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

/** Whether an IP address is one outbound requests may not reach unless private targets are allowed. */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return refused.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1], 'ipv4');
  return refused.check(address, 'ipv6');
}

/**
 * Why a host may not be reached (it does not resolve, or resolves to a refused address), or
 * null when every address it resolves to is allowed.
 */
export async function refusedTarget(host: string): Promise<string | null> {
  let addresses: string[];
  try {
    addresses = isIP(host)
      ? [host]
      : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `${host} does not resolve`;
  }
  const bad = addresses.find(isRefusedAddress);
  return bad
    ? `${host} resolves to ${bad}: loopback, private, link-local and metadata addresses are refused`
    : null;
}

/** DNS lookup that refuses loopback, private, link-local and metadata addresses. */
export const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const allowed = addresses.filter((a) => !isRefusedAddress(a.address));
    if (allowed.length === 0)
      return callback(
        Object.assign(new Error(`${hostname} resolves to a refused address`), { code: 'EREFUSED' }),
        '',
        0,
      );
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0].address, allowed[0].family);
  });
};
