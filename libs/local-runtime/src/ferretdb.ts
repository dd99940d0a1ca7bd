import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { toolsBin } from './paths';
import { canConnect, freePort, waitFor } from './ports';

export interface FerretDbHandle {
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** The project's embedded FerretDB (MongoDB wire protocol on SQLite), on a free local port. */
export async function startFerretDb(
  dataDir: string,
  logFile?: string,
  port?: number,
): Promise<FerretDbHandle> {
  const listenPort = port ?? (await freePort());
  const sqliteDir = join(dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const process = new ManagedProcess({
    name: 'ferretdb',
    command: join(toolsBin(), 'cobrowse-ferretdb'),
    args: ['-listen', `127.0.0.1:${listenPort}`, '-data-dir', sqliteDir, '-log-level', 'warn'],
    logFile,
  }).start();
  await waitFor('ferretdb', async () => {
    if (!process.isRunning) throw new Error('ferretdb exited; see its log');
    return canConnect(listenPort);
  });
  return {
    url: `mongodb://127.0.0.1:${listenPort}/cobrowse`,
    port: listenPort,
    process,
    stop: () => process.stop(),
  };
}
