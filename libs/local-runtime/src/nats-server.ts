import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { toolsBin } from './paths';
import { canConnect, freePort, waitFor } from './ports';

export interface NatsServerHandle {
  url: string;
  port: number;
  monitorUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  /** Rewrites the accounts and has the running server reload them (no client of a kept account is dropped). */
  reloadAccounts(accounts: string): Promise<void>;
}

export interface NatsServerOptions {
  /** Without JetStream: only to show that the services refuse such a server. */
  jetstream?: boolean;
  /** JetStream's fsync policy: `always` (before every acknowledgement) or an interval such as `2m` (the server's default). */
  syncInterval?: string;
  /** Kept across restarts, so a node of a cluster keeps its monitoring address. */
  monitorPort?: number;
  serverName?: string;
  /** A member of a cluster over loopback: its route port and its peers' route ports. */
  cluster?: { name: string; port: number; routes: number[] };
}

/** A project-provisioned nats-server with JetStream on file storage, on free local ports. */
export async function startNatsServer(
  dataDir: string,
  logFile?: string,
  port?: number,
  /** An `accounts { … }` block (see nats-identities.ts); none means open to anyone. */
  accounts?: string,
  options: NatsServerOptions = {},
): Promise<NatsServerHandle> {
  const clientPort = port ?? (await freePort());
  const monitorPort = options.monitorPort ?? (await freePort());
  const storeDir = join(dataDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const configFile = join(dataDir, 'nats-server.conf');
  const accountsFile = join(dataDir, 'accounts.conf');
  if (accounts) writeFileSync(accountsFile, accounts, { mode: 0o600 });
  writeFileSync(
    configFile,
    [
      options.serverName ? `server_name: ${options.serverName}` : '',
      `listen: 127.0.0.1:${clientPort}`,
      `http: 127.0.0.1:${monitorPort}`,
      options.jetstream === false
        ? ''
        : `jetstream { store_dir: "${storeDir}"${options.syncInterval ? `, sync_interval: ${options.syncInterval}` : ''} }`,
      options.cluster
        ? `cluster { name: ${options.cluster.name}, listen: 127.0.0.1:${options.cluster.port}, routes: [${options.cluster.routes
            .map((p) => `nats-route://127.0.0.1:${p}`)
            .join(', ')}] }`
        : '',
      accounts ? `include "accounts.conf"` : '',
      '',
    ].join('\n'),
  );
  const process = new ManagedProcess({
    name: options.serverName ? `nats-server ${options.serverName}` : 'nats-server',
    command: join(toolsBin(), 'nats-server'),
    args: ['-c', configFile],
    logFile,
  }).start();
  await waitFor('nats-server', async () => {
    if (!process.isRunning) throw new Error('nats-server exited; see its log');
    return canConnect(clientPort);
  });
  return {
    url: `nats://127.0.0.1:${clientPort}`,
    port: clientPort,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    process,
    stop: () => process.stop(),
    reloadAccounts: async (text: string) => {
      writeFileSync(accountsFile, text, { mode: 0o600 });
      await reloadConfig(process, `http://127.0.0.1:${monitorPort}`);
    },
  };
}

/**
 * `nats-server --signal reload`, twice: SIGHUP makes the server read its configuration again,
 * and each is waited for (the monitoring endpoint's `config_load_time` changes). nats-server
 * 2.15 sets up the service imports of an account only on a reload that finds the account
 * already there: a tenant's new accounts answer nothing through their imports until the second.
 */
async function reloadConfig(server: ManagedProcess, monitorUrl: string): Promise<void> {
  const pid = server.pid;
  if (!pid) throw new Error('nats-server is not running');
  const loadedAt = async () =>
    ((await (await fetch(`${monitorUrl}/varz`)).json()) as { config_load_time: string }).config_load_time;
  for (let i = 0; i < 2; i++) {
    const before = await loadedAt();
    globalThis.process.kill(pid, 'SIGHUP');
    await waitFor('nats-server to reload its configuration', async () => (await loadedAt()) !== before);
  }
}
