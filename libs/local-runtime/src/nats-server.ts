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
}

/** A project-provisioned nats-server with JetStream on file storage, on free local ports. */
export async function startNatsServer(
  dataDir: string,
  logFile?: string,
  port?: number,
): Promise<NatsServerHandle> {
  const clientPort = port ?? (await freePort());
  const monitorPort = await freePort();
  const storeDir = join(dataDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const configFile = join(dataDir, 'nats-server.conf');
  writeFileSync(
    configFile,
    [
      `listen: 127.0.0.1:${clientPort}`,
      `http: 127.0.0.1:${monitorPort}`,
      `jetstream { store_dir: "${storeDir}" }`,
      '',
    ].join('\n'),
  );
  const process = new ManagedProcess({
    name: 'nats-server',
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
  };
}
