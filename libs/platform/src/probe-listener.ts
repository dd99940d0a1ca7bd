import type { AppConfig } from '@cobrowse/config';
import { probes, registry, startProbeServer } from '@cobrowse/observability';

/**
 * Labels the process's metrics with the service's name and holds readiness at "starting"
 * until `started()`: a process is ready only once it serves requests.
 */
export function observeProcess(service: string): { started(): void } {
  registry.setDefaultLabels({ service });
  let started = false;
  probes.readiness('started', () => (started ? null : 'starting'));
  return { started: () => (started = true) };
}

/**
 * Opens a back-end service's probe and metrics listener before anything slow, so liveness
 * answers while start-up waits for NATS or the database; resolves with its URL. A taken port
 * stops the service with one clear line.
 */
export async function listenForProbesOrExit(service: string, config: AppConfig): Promise<string> {
  try {
    const server = await startProbeServer(config.PROBE_HOST, config.PROBE_PORT);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PROBE_PORT;
    return `http://${config.PROBE_HOST}:${port}`;
  } catch (e) {
    process.stderr.write(
      JSON.stringify({
        level: 'fatal',
        context: service,
        message: `cannot listen for probes on ${config.PROBE_HOST}:${config.PROBE_PORT} (PROBE_HOST / PROBE_PORT): ${(e as Error).message}`,
        timestamp: Date.now(),
      }) + '\n',
    );
    process.exit(2);
  }
}
