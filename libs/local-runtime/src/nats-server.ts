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
  /** Rewrites the authorization and has the running server reload it (no client is dropped). */
  reloadAuthorization(authorization: string): Promise<void>;
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
  /** An `authorization { … }` block (see nats-identities.ts); none means open to anyone. */
  authorization?: string,
  options: NatsServerOptions = {},
): Promise<NatsServerHandle> {
  const clientPort = port ?? (await freePort());
  const monitorPort = options.monitorPort ?? (await freePort());
  const storeDir = join(dataDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const configFile = join(dataDir, 'nats-server.conf');
  const authFile = join(dataDir, 'authorization.conf');
  if (authorization) writeFileSync(authFile, authorization, { mode: 0o600 });
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
      authorization ? `include "authorization.conf"` : '',
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
    reloadAuthorization: async (text: string) => {
      writeFileSync(authFile, text, { mode: 0o600 });
      await reloadConfig(process);
    },
  };
}

/** `nats-server --signal reload`: SIGHUP makes the server read its configuration again. */
async function reloadConfig(server: ManagedProcess): Promise<void> {
  if (!server.pid) throw new Error('nats-server is not running');
  globalThis.process.kill(server.pid, 'SIGHUP');
}
