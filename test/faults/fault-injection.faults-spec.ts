import { connect } from 'nats';
import type { ServiceName } from '@cobrowse/local-runtime';
import { ApiClient, eventually, readEventLog, TestSystem, WebhookReceiver } from '@cobrowse/testing';
import { RelayLoad, readModelMismatch } from './relay-load';

/**
 * kill -9 under load (SPEC section 10): relays report visits and retry by event_id while
 * services, nats-server and the database are killed and restarted at random, two replicas of
 * each stateful service running. Afterwards every acknowledged fact is in the log exactly once
 * and in the read models exactly as reported, no client ever saw a 500, and a webhook
 * endpoint has received every logged event at least once, each session's in log order
 * (SPEC section 11).
 */
jest.setTimeout(900_000);

const FAULTS = Number(process.env.FAULTS ?? 21);
const RELAYS = Number(process.env.FAULT_RELAYS ?? 4);
const SEED = Number(process.env.FAULT_SEED ?? Date.now() % 2 ** 31);
/** How long the read models may take to catch up once the load stops (SPEC section 10: a minute). */
const CONVERGE_MS = 60_000;
/**
 * How long the webhook deliveries may take after that: a dispatcher leader killed while it held
 * messages leaves them to come back after their ack wait (30 s), which its successor waits out.
 */
const DELIVERED_MS = 90_000;

type Fault =
  { kind: 'service'; service: ServiceName; replica: number } | { kind: 'nats' } | { kind: 'database' };

/** A small seeded generator, so a failing run can be replayed with FAULT_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe('fault injection', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  const next = random(SEED);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const pause = (min: number, max: number) => new Promise((r) => setTimeout(r, min + next() * (max - min)));

  beforeAll(async () => {
    system = await TestSystem.start({
      replicas: {
        'session-lifecycle': 2,
        'history-projector': 2,
        'connection-tracker': 2,
        'webhook-dispatcher': 2,
      },
      env: {
        WEBHOOKS_ALLOW_PRIVATE: 'true',
        LEADERSHIP_STALL_MS: '10000',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
        // A visit retried through many faults must not be ended by the inactivity timeout
        // meanwhile: the check below expects exactly the reported facts.
        SESSION_INACTIVITY_TIMEOUT_MS: String(3_600_000),
      },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await receiver?.stop();
  });

  /** At least a quarter of the faults are nats-server and database kills; the rest hit services. */
  const schedule = (): Fault[] => {
    const faults: Fault[] = [];
    const infrastructure = Math.max(2, Math.floor(FAULTS / 4));
    for (let i = 0; i < infrastructure; i++) faults.push({ kind: 'nats' }, { kind: 'database' });
    while (faults.length < FAULTS) {
      const service = pick<ServiceName>([
        'gateway',
        'session-lifecycle',
        'history-projector',
        'connection-tracker',
        'webhook-dispatcher',
      ]);
      faults.push({
        kind: 'service',
        service,
        replica: 1 + Math.floor(next() * system.services.get(service)!.length),
      });
    }
    return faults.sort(() => next() - 0.5);
  };

  const inject = async (fault: Fault): Promise<void> => {
    if (fault.kind === 'nats') {
      await system.killNats();
      await pause(500, 3_000);
      await system.startNats();
    } else if (fault.kind === 'database') {
      await system.killDatabase();
      await pause(500, 3_000);
      await system.startDatabase();
    } else {
      await system.killReplica(fault.service, fault.replica);
      await pause(200, 2_000);
      system.restartReplica(fault.service, fault.replica);
    }
  };

  it(`loses nothing and applies nothing twice through ${FAULTS} kill -9 faults`, async () => {
    receiver = await WebhookReceiver.start();
    const hook = await new ApiClient(system.gatewayUrl)
      .as('admin')
      .post('/v1/webhooks/endpoints', { url: receiver.url('/faults') });
    expect(hook.status).toBe(201);
    const load = new RelayLoad(() => system.gatewayUrl);
    load.start(RELAYS);
    await eventually(async () => expect(load.stats.acknowledged.size).toBeGreaterThan(50));

    const faults = schedule();
    const byKind: Record<string, number> = {};
    for (const fault of faults) {
      const name = fault.kind === 'service' ? fault.service : fault.kind;
      byKind[name] = (byKind[name] ?? 0) + 1;
      await inject(fault);
      await pause(1_000, 4_000);
    }
    await load.stop();
    const stoppedAt = Date.now();
    const { visits, acknowledged } = load.stats;
    expect(load.stats.unexpected).toEqual([]);

    const api = new ApiClient(system.gatewayUrl).as('read');
    const fiveHundreds: string[] = [];
    const get = async (path: string) => {
      const r = await api.get(path);
      if (r.status === 500) fiveHundreds.push(`GET ${path}: ${JSON.stringify(r.body)}`);
      return r;
    };
    // Converged: both consumers have applied everything the log holds. Within a minute of the
    // load stopping (SPEC section 10): a longer wait here would hide a read side that is slow.
    const lagOf = async () => {
      const health = await new ApiClient(system.gatewayUrl).get('/health').catch(() => null);
      const services = (health?.body?.services ?? {}) as Record<
        string,
        { consumers?: Array<{ consumer: string; pending: number; ack_pending: number }> }
      >;
      return ['history-projector', 'connection-tracker'].map((service) => {
        const c = services[service]?.consumers?.[0];
        return { service, behind: c ? c.pending + c.ack_pending : 'unknown' };
      });
    };
    await eventually(async () => {
      for (const { service, behind } of await lagOf()) expect([service, behind]).toEqual([service, 0]);
    }, CONVERGE_MS).catch(async (e) => {
      console.log(`consumers after the faults: ${JSON.stringify(await lagOf())}`);
      throw new Error(
        `(seed ${SEED}) the consumers did not catch up within ${CONVERGE_MS} ms: ${(e as Error).message}`,
      );
    });
    const recoveryMs = Date.now() - stoppedAt;

    let lastMismatch = '';
    await eventually(async () => {
      lastMismatch = '';
      for (const visit of visits) {
        const mismatch = await readModelMismatch(visit, get);
        if (mismatch) {
          lastMismatch = mismatch;
          throw new Error(mismatch);
        }
      }
    }, CONVERGE_MS).catch(async (e) => {
      const health = await new ApiClient(system.gatewayUrl).get('/health').catch(() => null);
      console.log(`health after the faults: ${JSON.stringify(health?.body)}`);
      throw new Error(
        `(seed ${SEED}) read models did not converge: ${lastMismatch || (e as Error).message}\n${system.logs(20)}`,
      );
    });

    const nc = await connect(system.natsAs('services'));
    const logged = new Map<string, number>();
    const log = await readEventLog(nc, 'cobrowse.>');
    for (const e of log) {
      const id = e.envelope.event_id as string;
      logged.set(id, (logged.get(id) ?? 0) + 1);
    }
    await nc.close();

    // Every event logged for the endpoint's tenant reached it, each session's in log order.
    const webhookId = (seq: number) => `msg_${hook.body.id}_${seq}`;
    const toDeliver = log.filter((e) => e.envelope.tenant === 'acme');
    const undelivered = () => {
      const got = new Set(receiver.at('/faults', { ok: true }).map((h) => String(h.headers['webhook-id'])));
      return toDeliver.filter((e) => !got.has(webhookId(e.seq)));
    };
    await eventually(async () => expect(undelivered().length).toBe(0), DELIVERED_MS).catch(async () => {
      const check = await connect(system.natsAs('services'));
      const consumer = await (
        await check.jetstreamManager()
      ).consumers
        .info('COBROWSE_EVENTS', `webhook-${hook.body.id}`)
        .catch((e: Error) => e.message);
      await check.close();
      const left = undelivered();
      throw new Error(
        `(seed ${SEED}) ${left.length} events not delivered (first at ${left[0]?.seq}, last at ${left.at(-1)?.seq}); ` +
          `consumer: ${JSON.stringify(consumer).slice(0, 800)}\n${system.logs(10)}`,
      );
    });
    const deliveredMs = Date.now() - stoppedAt;
    const firstArrival = new Map<string, number>();
    for (const h of receiver.at('/faults', { ok: true })) {
      const id = String(h.headers['webhook-id']);
      if (!firstArrival.has(id)) firstArrival.set(id, firstArrival.size);
    }
    const outOfOrder: string[] = [];
    const lastOf = new Map<string, number>();
    for (const e of toDeliver) {
      const session = e.envelope.session_id as string | undefined;
      if (!session) continue;
      const at = firstArrival.get(webhookId(e.seq))!;
      if ((lastOf.get(session) ?? -1) > at) outOfOrder.push(`${session} v${e.envelope.version}`);
      lastOf.set(session, at);
    }
    const deliveries = receiver.at('/faults', { ok: true }).length;
    const lost = [...acknowledged].filter((id) => !logged.has(id));
    const twice = [...acknowledged].filter((id) => (logged.get(id) ?? 0) > 1);

    console.log(
      `fault injection (seed ${SEED}): ${FAULTS} faults ${JSON.stringify(byKind)}, ${RELAYS} relays, ` +
        `${visits.length} visits, ${acknowledged.size} facts acknowledged in ${load.stats.attempts} attempts, ` +
        `lost ${lost.length}, applied twice ${twice.length}, 500s ${load.stats.fiveHundreds.length + fiveHundreds.length}, ` +
        `consumers caught up ${recoveryMs} ms after the load stopped; webhooks: ${toDeliver.length} events, ` +
        `${deliveries} deliveries, all delivered ${deliveredMs} ms after the load stopped`,
    );
    expect(outOfOrder).toEqual([]);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    expect([...load.stats.fiveHundreds, ...fiveHundreds]).toEqual([]);
    // Every fact of every visit was acknowledged (each relay finished its last visit).
    for (const visit of visits)
      for (const fact of visit.facts) expect(acknowledged.has(fact.event_id)).toBe(true);
  });
});
