import type { NatsConnection } from 'nats';
import { waitUntilHealthy } from '@cobrowse/local-runtime';
import { WebhookReceiver } from '@cobrowse/testing';
import type { BenchSystem } from '../bench-system';
import { endlessPopulation, population } from '../mix';
import { percentile, progress } from '../stats';
import { BENCH_KEY } from '../workload';
import { drain } from './consumer-drain';
import { sendMix } from './mix-send';

export interface WebhookDeliveryResult {
  /** Deliveries per second while the dispatcher drained a backlog for one endpoint. */
  eps: number;
  /** The events logged for the endpoint while the dispatcher was stopped. */
  backlog: number;
  /** From an event recorded in the log to its delivery received, under a steady load. */
  delay_p50_ms: number;
  delay_p99_ms: number;
  delay_samples: number;
  /** Events the endpoint's consumer still held 60 s after the steady load (none expected). */
  missing: number;
}

/**
 * Webhook deliveries to a receiver on this machine, one endpoint for every event type. First
 * throughput: events logged while the dispatcher is stopped, then deliveries per second (the
 * endpoint consumer's acks, each a delivery answered 2xx) while it drains them once started.
 * Then delay: a steady load of `loadEps` events per second for `seconds`, each event timed
 * from its `recorded_at` to its arrival.
 */
export async function webhookDelivery(
  nc: NatsConnection,
  system: BenchSystem,
  options: { backlogSessions: number; loadEps: number; seconds: number },
  /** Times what it is given as the run's phase (CPU per process): the dispatcher's restart comes before. */
  phase: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<WebhookDeliveryResult> {
  const receiver = await WebhookReceiver.start();
  try {
    const created = await fetch(`${system.gatewayUrl}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/bench') }),
    });
    if (created.status !== 201)
      throw new Error(`creating the endpoint: ${created.status} ${await created.text()}`);
    const consumer = `webhook-${((await created.json()) as { id: string }).id}`;

    await system.stopService('webhook-dispatcher');
    const backlog = await sendMix({
      gatewayUrl: system.gatewayUrl,
      lanes: population(
        'webhook-device-',
        Math.ceil(options.backlogSessions / 2),
        options.backlogSessions,
        4,
        3,
      ),
      batchSize: 250,
      label: 'webhook backlog',
    });
    progress(`  ${backlog.accepted} facts accepted with the dispatcher stopped; starting it`);
    system.startService('webhook-dispatcher');
    await waitUntilHealthy(system.gatewayUrl);
    return await phase(() => measure(nc, system, receiver, consumer, options));
  } finally {
    await receiver.stop();
  }
}

async function measure(
  nc: NatsConnection,
  system: BenchSystem,
  receiver: WebhookReceiver,
  consumer: string,
  options: { loadEps: number; seconds: number },
): Promise<WebhookDeliveryResult> {
  const drained = await drain(nc, consumer);

  const arrivals = new Map<string, number>();
  const recorded = new Map<string, number>();
  receiver.answer('/bench', (hook) => {
    const id = String(hook.headers['webhook-id']);
    if (!arrivals.has(id)) {
      arrivals.set(id, Date.now());
      recorded.set(id, Number(hook.json.data.recorded_at));
    }
    return 204;
  });
  const relays = 4;
  const perBatch = Math.max(1, Math.round(options.loadEps / 10 / relays));
  const stopAt = performance.now() + options.seconds * 1000;
  const load = await sendMix({
    gatewayUrl: system.gatewayUrl,
    lanes: endlessPopulation('webhook-lag-device-', relays, 23, Math.ceil(perBatch / 2)),
    batchSize: perBatch,
    intervalMs: 100,
    stop: () => performance.now() >= stopAt,
    label: 'webhook delay',
  });
  const settled = await drain(nc, consumer, 60_000);
  progress(`  ${load.accepted} facts accepted under the steady load, ${recorded.size} delivered`);
  const delays = [...recorded].map(([id, at]) => Math.max(0, arrivals.get(id)! - at));
  return {
    eps: drained.eps,
    backlog: drained.events,
    delay_p50_ms: percentile(delays, 50),
    delay_p99_ms: percentile(delays, 99),
    delay_samples: delays.length,
    missing: settled.left,
  };
}
