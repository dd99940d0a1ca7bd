import { DEFAULT_TENANT_LIMITS, isTenantId, type TenantLimits } from '@cobrowse/contracts';
import { NatsTenancy } from '@cobrowse/local-runtime';

const USAGE = [
  'usage: npm run --silent nats-config -- [--tenant <tenant>]... [--storage <size>] [--connections <n>]',
  '         [--subscriptions <n>] [--consumers <n>] > nats-accounts.conf',
  `defaults per tenant: storage ${DEFAULT_TENANT_LIMITS.storage}, connections ${DEFAULT_TENANT_LIMITS.connections},`,
  `  subscriptions ${DEFAULT_TENANT_LIMITS.subscriptions}, consumers ${DEFAULT_TENANT_LIMITS.consumers}`,
].join('\n');

/**
 * Prints the `accounts` block of nats-server's configuration for a deployment: the services'
 * account, and an account for the subscribers and one for the relays of each tenant named,
 * with the limits given; passwords are read by the server from environment variables
 * (`SERVICES_NATS_PASSWORD`, `RELAY_<TENANT>_NATS_PASSWORD`, `SUBSCRIBER_<TENANT>_NATS_PASSWORD`).
 * The accounts come from libs/contracts, the one definition the local start and the tests use too.
 */
function main(argv: string[]): number {
  const tenants: string[] = [];
  const limits: TenantLimits = { ...DEFAULT_TENANT_LIMITS };
  const count = (value: string | undefined) =>
    /^[1-9][0-9]{0,8}$/.test(value ?? '') ? Number(value) : undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[++i]];
    if (flag === '--tenant' && isTenantId(value)) tenants.push(value);
    else if (flag === '--storage' && /^[1-9][0-9]*[KMGT]$/.test(value ?? '')) limits.storage = value;
    else if (flag === '--connections' && count(value)) limits.connections = count(value)!;
    else if (flag === '--subscriptions' && count(value)) limits.subscriptions = count(value)!;
    else if (flag === '--consumers' && count(value)) limits.consumers = count(value)!;
    else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
  }
  process.stdout.write(new NatsTenancy(tenants, () => '', limits).config({ passwordVariables: true }));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
