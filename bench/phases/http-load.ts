import autocannon from 'autocannon';

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** autocannon against one endpoint; `body` makes each request's body (and records what it sent). */
export async function load(options: {
  url: string;
  method: 'GET' | 'POST';
  key: string;
  connections: number;
  seconds: number;
  path: () => string;
  body?: () => string;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
    requests: [
      {
        method: options.method,
        setupRequest: (request) => ({
          ...request,
          path: options.path(),
          ...(options.body ? { body: options.body() } : {}),
        }),
      },
    ],
  });
  return {
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
