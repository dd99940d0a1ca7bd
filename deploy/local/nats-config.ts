import { isTenantId } from '@cobrowse/contracts';
import { authorizationConfig, natsIdentities } from '@cobrowse/local-runtime';

const USAGE = 'usage: npm run --silent nats-config -- [--tenant <tenant>]... > authorization.conf';

/**
 * Prints the `authorization` block of nats-server's configuration for a deployment: the
 * services, relays, and a subscriber per tenant named, with passwords read by the server from
 * environment variables (`SERVICES_NATS_PASSWORD`, `RELAY_NATS_PASSWORD`,
 * `SUBSCRIBER_<TENANT>_NATS_PASSWORD`). The permissions come from libs/contracts, the one
 * definition the local start and the tests use too.
 */
function main(argv: string[]): number {
  const tenants: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tenant' && isTenantId(argv[i + 1])) tenants.push(argv[++i]);
    else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
  }
  process.stdout.write(
    authorizationConfig(
      natsIdentities(tenants, () => ''),
      { passwordVariables: true },
    ),
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
