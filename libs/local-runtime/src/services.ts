import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@cobrowse/contracts';
import { ManagedProcess } from './managed-process';
import { serviceEntry } from './paths';
import { sleep } from '@cobrowse/resilience';

export { SERVICE_NAMES };

/** One replica of a built service (`npm run build` first), as its own Node process. */
export function startService(
  service: ServiceName,
  env: NodeJS.ProcessEnv,
  logDir?: string,
  replica = 1,
  nodeArgs: string[] = [],
): ManagedProcess {
  return new ManagedProcess({
    name: `${service}#${replica}`,
    command: process.execPath,
    args: ['--enable-source-maps', ...nodeArgs, serviceEntry(service)],
    env,
    logFile: logDir ? join(logDir, `${service}-${replica}.log`) : undefined,
  }).start();
}

/** Polls GET /health until every service reports up. */
export async function waitUntilHealthy(gatewayUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${gatewayUrl}/health`);
      if (response.status === 200) return;
      last = await response.text();
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`services did not become healthy: ${last}`);
}

export type { ServiceName };
