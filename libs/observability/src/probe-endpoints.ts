import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { registry, scrape } from './metrics';
import { probes } from './probes';

/** The paths every service answers for its orchestrator and its Prometheus. */
export const PROBE_PATHS = { live: '/livez', ready: '/readyz', metrics: '/metrics' } as const;

/**
 * Answers GET /livez, /readyz and /metrics; false for any other request (the gateway then
 * routes it as usual). Unauthenticated by design: they carry no tenant data.
 */
export function answerProbe(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '').split('?')[0];
  if (path === PROBE_PATHS.metrics) {
    void scrape().then(
      (text) => send(res, 200, registry.contentType, text),
      (e: Error) => send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${e.message}\n`),
    );
    return true;
  }
  const kind = path === PROBE_PATHS.live ? 'live' : path === PROBE_PATHS.ready ? 'ready' : null;
  if (!kind) return false;
  void probes.report(kind).then((report) =>
    send(
      res,
      report.ok ? 200 : 503,
      'application/json; charset=utf-8',
      JSON.stringify({
        status: report.ok ? 'ok' : kind === 'live' ? 'not live' : 'not ready',
        checks: report.checks,
      }),
    ),
  );
  return true;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** A back-end service's own small HTTP listener for its probes and metrics. */
export function startProbeServer(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (!answerProbe(req, res)) send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.unref();
      resolve(server);
    });
  });
}
