import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric this project exports, in one place (docs/deploy.md lists them). One registry per
 * process, as prom-client intends; each service labels it with its name. No tenant or session
 * ids as labels: their number is unbounded.
 */
export const registry = new Registry();

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export const httpRequests = new Counter({
  name: 'cobrowse_http_requests_total',
  help: 'HTTP requests answered by the gateway, by route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'cobrowse_http_request_duration_seconds',
  help: 'Time from request to the end of the response, by route pattern and status (live streams: their whole life).',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const sseClients = new Gauge({
  name: 'cobrowse_sse_clients',
  help: 'Open server-sent-event streams, by stream kind.',
  labelNames: ['stream'] as const,
  registers: [registry],
});

export const eventsAppended = new Counter({
  name: 'cobrowse_events_appended_total',
  help: 'Facts appended to the event log, by event type.',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const heartbeatsKept = new Counter({
  name: 'cobrowse_heartbeats_kept_total',
  help: 'Heartbeats that changed nothing but "seen now": kept as presence by the tracker, not logged.',
  registers: [registry],
});

export const eventsRejected = new Counter({
  name: 'cobrowse_events_rejected_total',
  help: 'Facts refused before the log, by event type and error code.',
  labelNames: ['type', 'code'] as const,
  registers: [registry],
});

export const consumerPending = new Gauge({
  name: 'cobrowse_consumer_pending_messages',
  help: 'Log entries the durable consumer has not delivered yet (its lag).',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

export const consumerAckPending = new Gauge({
  name: 'cobrowse_consumer_ack_pending_messages',
  help: 'Entries delivered to the consumer and not yet acknowledged.',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

export const consumerRedelivered = new Gauge({
  name: 'cobrowse_consumer_redelivered_messages',
  help: 'Entries the server is redelivering to the consumer now.',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

export const consumerParked = new Gauge({
  name: 'cobrowse_consumer_parked_events',
  help: "Events parked on the consumer's dead-letter subject, waiting for a replay.",
  labelNames: ['consumer'] as const,
  registers: [registry],
});

export const projectionDelay = new Histogram({
  name: 'cobrowse_projection_delay_seconds',
  help: 'From an event being recorded in the log to its being applied by the consumer.',
  labelNames: ['consumer'] as const,
  buckets: DELAY_BUCKETS,
  registers: [registry],
});

export const projectionStepDuration = new Histogram({
  name: 'cobrowse_projection_step_duration_seconds',
  help: 'Each step of a projector batch: fold (events onto sessions), write (sessions and postings), list (index pages and counters).',
  labelNames: ['step'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const leaseHolder = new Gauge({
  name: 'cobrowse_lease_holder',
  help: '1 in the replica that holds the lease (and may write), 0 in its standbys.',
  labelNames: ['lease'] as const,
  registers: [registry],
});

export const natsRequestDuration = new Histogram({
  name: 'cobrowse_nats_request_duration_seconds',
  help: 'NATS round trips: requests to another service, and appends to the JetStream log.',
  labelNames: ['target', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const databaseOperationDuration = new Histogram({
  name: 'cobrowse_database_operation_duration_seconds',
  help: 'Database round trips: the connection watchdog\'s ping every 2 s (command="ping").',
  labelNames: ['command', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

collectDefaultMetrics({ register: registry });

type ScrapeHook = () => Promise<void> | void;
const scrapeHooks = new Set<ScrapeHook>();

/** Work that refreshes gauges read from elsewhere (consumer info, lease state) on each scrape. */
export function onScrape(hook: ScrapeHook): () => void {
  scrapeHooks.add(hook);
  return () => scrapeHooks.delete(hook);
}

const SCRAPE_HOOK_TIMEOUT_MS = 2_000;

/** The registry in Prometheus text format, after the scrape hooks (each bounded in time). */
export async function scrape(): Promise<string> {
  await Promise.all(
    [...scrapeHooks].map((hook) =>
      Promise.race([
        Promise.resolve()
          .then(hook)
          .catch(() => undefined),
        new Promise((r) => setTimeout(r, SCRAPE_HOOK_TIMEOUT_MS).unref()),
      ]),
    ),
  );
  return registry.metrics();
}

/** Seconds since a `process.hrtime.bigint()` reading. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Times an async call into a histogram, labelled with its outcome. */
export async function timed<T>(
  histogram: Histogram<'target' | 'outcome'>,
  target: string,
  work: () => Promise<T>,
): Promise<T> {
  const start = process.hrtime.bigint();
  try {
    const result = await work();
    histogram.observe({ target, outcome: 'ok' }, secondsSince(start));
    return result;
  } catch (e) {
    histogram.observe({ target, outcome: 'error' }, secondsSince(start));
    throw e;
  }
}

export const webhookDeliveries = new Counter({
  name: 'cobrowse_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome: delivered (2xx), failed (tried again later), given-up (no attempt left).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const webhookDeliveryDelay = new Histogram({
  name: 'cobrowse_webhook_delivery_delay_seconds',
  help: 'From an event recorded in the log to its delivery answered 2xx, retries included.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000],
  registers: [registry],
});

export const webhookEndpointsDisabled = new Counter({
  name: 'cobrowse_webhook_endpoints_disabled_total',
  help: 'Endpoints the dispatcher disabled, by reason: gone (410), failing (every delivery failed too long).',
  labelNames: ['reason'] as const,
  registers: [registry],
});
