import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  keptPasswords,
  NatsTenancy,
  writeConnectionFiles,
  repoRoot,
  SERVICE_NAMES,
  startFerretDb,
  startNatsServer,
  NatsCluster,
  startService,
  Supervisor,
  waitUntilHealthy,
  type ServiceName,
} from '@cobrowse/local-runtime';

/**
 * Starts NATS and FerretDB (unless NATS_URL / MONGODB_URL are given) and the four services,
 * each supervised: restarted with back-off when it exits on its own.
 */
async function main(): Promise<void> {
  // COBROWSE_LOCAL_DIR moves .data/ and .local/ elsewhere (a second system beside the first).
  const root = process.env.COBROWSE_LOCAL_DIR ?? repoRoot();
  const dataDir = join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  const infra: Array<{ stop(): Promise<void> }> = [];
  const services: Supervisor[] = [];

  const shutdown = async (code: number) => {
    process.stderr.write('\nstopping…\n');
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(infra.map((i) => i.stop()));
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  // NATS with the shipped accounts: the services', and the development tenant's for its
  // subscribers and its relays, each identity with a connection file under .local/nats/.
  const identitiesDir = join(root, '.local', 'nats');
  const tenancy = new NatsTenancy([DEV_TENANT], keptPasswords(identitiesDir));
  let natsUrl = process.env.NATS_URL;
  let identityFiles: string[] = [];
  const clusterSize = natsClusterSize();
  // fsync before every acknowledgement unless told otherwise (docs/performance.md, "Durability").
  const syncInterval = process.env.NATS_SYNC_INTERVAL ?? 'always';
  if (!natsUrl) {
    const nats = clusterSize
      ? await NatsCluster.start(join(dataDir, 'nats-cluster'), clusterSize, tenancy.config(), {
          syncInterval,
        })
      : await startNatsServer(
          join(dataDir, 'nats'),
          join(dataDir, 'nats-server.log'),
          undefined,
          tenancy.config(),
          { syncInterval },
        );
    infra.push(nats);
    natsUrl = nats.url;
    identityFiles = writeConnectionFiles(identitiesDir, tenancy.identities, natsUrl);
  }
  // With a given NATS_URL, the services use NATS_USER / NATS_PASSWORD as given (if any).
  const natsCredentials = identityFiles.length
    ? { NATS_USER: 'services', NATS_PASSWORD: tenancy.identity('services')!.password }
    : { NATS_USER: process.env.NATS_USER, NATS_PASSWORD: process.env.NATS_PASSWORD };
  let mongoUrl = process.env.MONGODB_URL;
  if (!mongoUrl) {
    const ferret = await startFerretDb(dataDir, join(dataDir, 'ferretdb.log'));
    infra.push(ferret);
    mongoUrl = ferret.url;
  }
  const devKey = process.env.COBROWSE_API_KEYS ? null : developmentKey(root);
  const env: NodeJS.ProcessEnv = {
    NATS_URL: natsUrl,
    ...natsCredentials,
    MONGODB_URL: mongoUrl,
    ...(clusterSize ? { EVENTS_STREAM_REPLICAS: String(clusterSize) } : {}),
    // Local development: webhooks may target a receiver on this machine (docs/webhooks.md).
    WEBHOOKS_ALLOW_PRIVATE: process.env.WEBHOOKS_ALLOW_PRIVATE ?? 'true',
    JWKS_ALLOW_PRIVATE: process.env.JWKS_ALLOW_PRIVATE ?? 'true',
    COBROWSE_API_KEYS:
      process.env.COBROWSE_API_KEYS ??
      JSON.stringify([{ key: devKey, tenant: DEV_TENANT, scopes: ['ingest', 'read', 'admin'] }]),
  };
  const port = Number(process.env.GATEWAY_PORT ?? '3000');
  const probePorts = probePortsFrom(port);
  for (const service of SERVICE_NAMES) {
    const serviceEnv = {
      ...env,
      ...(probePorts[service] ? { PROBE_PORT: String(probePorts[service]) } : {}),
    };
    services.push(
      new Supervisor({ name: service, start: () => startService(service, serviceEnv), log: superviseLog }),
    );
  }
  // For `npm run rebuild` and other tools run against this system.
  mkdirSync(join(root, '.local'), { recursive: true });
  writeFileSync(
    join(root, '.local', 'runtime.env'),
    `NATS_URL=${natsUrl}\nMONGODB_URL=${mongoUrl}\n` +
      (natsCredentials.NATS_USER
        ? `NATS_USER=${natsCredentials.NATS_USER}\nNATS_PASSWORD=${natsCredentials.NATS_PASSWORD ?? ''}\n`
        : ''),
    { mode: 0o600 },
  );

  const gatewayUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(gatewayUrl, 120_000);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    await shutdown(1);
  }
  const lines = [
    '',
    'Co-browse session service is up.',
    `  gateway:  ${gatewayUrl}   (API docs: ${gatewayUrl}/docs)`,
    `  dashboard: ${gatewayUrl}/dashboard   (sign in with the API key below)`,
    '  probes and metrics (GET /livez, /readyz, /metrics):',
    ...SERVICE_NAMES.map(
      (s) =>
        `    ${s.padEnd(20)} http://127.0.0.1:${probePorts[s] ?? port}   (pid ${services[SERVICE_NAMES.indexOf(s)].process.pid})`,
    ),
    `  NATS:     ${natsUrl}${clusterSize ? `   (cluster of ${clusterSize}, streams at R${clusterSize})` : ''}`,
    `  MongoDB:  ${mongoUrl}`,
    devKey
      ? `  API key:  ${devKey}   (tenant "${DEV_TENANT}", all scopes; kept in .local/dev-api-key)`
      : '  API keys: from COBROWSE_API_KEYS',
    ...(identityFiles.length
      ? [
          '  NATS identities (nats.js connect() options, docs/events.md):',
          ...identityFiles.map((f) => `    ${f}`),
        ]
      : []),
    '',
    `  curl -H "Authorization: Bearer ${devKey ?? '<key>'}" ${gatewayUrl}/health`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

const DEV_TENANT = 'dev';

/** `--nats-cluster 3` (or NATS_CLUSTER_SIZE=3): NATS as a cluster over loopback, streams at R3. */
function natsClusterSize(): number | undefined {
  const flag = process.argv.indexOf('--nats-cluster');
  const value = flag >= 0 ? process.argv[flag + 1] : process.env.NATS_CLUSTER_SIZE;
  if (value === undefined) return undefined;
  if (!['1', '3', '5'].includes(value)) {
    process.stderr.write(`--nats-cluster / NATS_CLUSTER_SIZE must be 1, 3 or 5 (got ${value})\n`);
    process.exit(2);
  }
  return value === '1' ? undefined : Number(value);
}

/** Each back-end service's probe port locally: the three after the gateway's (it uses its own). */
function probePortsFrom(gatewayPort: number): Partial<Record<ServiceName, number>> {
  return {
    'session-lifecycle': gatewayPort + 1,
    'history-projector': gatewayPort + 2,
    'connection-tracker': gatewayPort + 3,
    'webhook-dispatcher': gatewayPort + 4,
  };
}

function superviseLog(line: string): void {
  process.stderr.write(
    JSON.stringify({ level: 'warn', context: 'supervisor', message: line, timestamp: Date.now() }) + '\n',
  );
}

/** A development key, generated once and kept in a git-ignored file. */
function developmentKey(root: string): string {
  const file = join(root, '.local', 'dev-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(join(root, '.local'), { recursive: true });
  const key = `dev_${randomBytes(24).toString('hex')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

void main();
