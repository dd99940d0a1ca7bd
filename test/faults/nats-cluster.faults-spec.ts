import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { EVENTS_STREAM } from '@cobrowse/contracts';
import { ApiClient, eventually, readEventLog, TestSystem } from '@cobrowse/testing';
import { readModelMismatch, RelayLoad } from './relay-load';

/**
 * A three-node NATS cluster over loopback losing nodes under load (SPEC section 10): the
 * stream and buckets at R3, the services given all three URLs, relays retrying by event_id.
 * The node leading the event stream is killed with -9 and restarted, three times, each after
 * the previous one has rejoined. Nothing acknowledged is lost or applied twice, ingest resumes
 * after every kill, and every killed node comes back as a current replica of every stream and
 * consumer.
 */
jest.setTimeout(900_000);

const KILLS = Number(process.env.CLUSTER_KILLS ?? 3);
const RELAYS = Number(process.env.FAULT_RELAYS ?? 4);

describe('NATS cluster', () => {
  let system: TestSystem;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    system = await TestSystem.start({
      natsCluster: 3,
      // Two lifecycle replicas race for the same sessions: the path where a retried append
      // must never be refused as a duplicate of itself.
      replicas: { 'session-lifecycle': 2, 'history-projector': 2, 'connection-tracker': 2 },
      env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info' },
    });
    nc = await connect({ ...system.natsAs('services'), maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    jsm = await nc.jetstreamManager({ timeout: 5_000 });
  });

  afterAll(async () => {
    await nc?.close();
    await system?.stop();
  });

  const cluster = () => system.natsCluster!;

  /** The node leading the event stream now. */
  const streamLeader = async (): Promise<string> =>
    eventually(async () => {
      const leader = (await jsm.streams.info(EVENTS_STREAM)).cluster?.leader;
      if (!leader) throw new Error('the event stream has no leader');
      return leader;
    });

  /** Where any stream or consumer is not fully replicated: a replica missing, offline or behind. */
  const notCurrent = async (): Promise<string[]> => {
    const problems: string[] = [];
    const check = (what: string, info: { cluster?: { leader?: string; replicas?: Array<any> } }) => {
      const members = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)];
      if (!info.cluster?.leader) problems.push(`${what}: no leader`);
      if (members.length !== 3) problems.push(`${what}: members ${members.join(',')}`);
      for (const r of info.cluster?.replicas ?? [])
        if (!r.current || r.offline)
          problems.push(`${what}: ${r.name} current=${r.current} offline=${!!r.offline}`);
    };
    for await (const stream of jsm.streams.list()) {
      check(`stream ${stream.config.name}`, stream);
      for await (const consumer of jsm.consumers.list(stream.config.name))
        if (consumer.config.durable_name) check(`consumer ${stream.config.name}/${consumer.name}`, consumer);
    }
    return problems;
  };

  it(`loses nothing and rejoins after ${KILLS} kill -9s of the stream leader`, async () => {
    const load = new RelayLoad(() => system.gatewayUrl);
    load.start(RELAYS);
    const { acknowledged, acknowledgedAt } = load.stats;
    await eventually(async () => expect(acknowledged.size).toBeGreaterThan(50));

    /** The longest time without an acknowledgement that overlaps [from, to]. */
    const longestGap = (from: number, to: number) => {
      let gap = 0;
      for (let i = 1; i < acknowledgedAt.length; i++)
        if (acknowledgedAt[i] >= from && acknowledgedAt[i - 1] <= to)
          gap = Math.max(gap, acknowledgedAt[i] - acknowledgedAt[i - 1]);
      return gap;
    };
    const kills: Array<{ node: string; longestGapMs: number }> = [];
    for (let k = 0; k < KILLS; k++) {
      const node = await streamLeader();
      const killedAt = Date.now();
      await cluster().kill(node);
      // Ingest goes on with two of three nodes: acknowledgements arrive again.
      const before = acknowledged.size;
      await eventually(async () => expect(acknowledged.size).toBeGreaterThan(before + 20), 180_000);
      kills.push({ node, longestGapMs: longestGap(killedAt, Date.now()) });
      await cluster().restart(node);
      // Rejoined: every stream and consumer has its three members current again.
      await eventually(async () => expect(await notCurrent()).toEqual([]), 180_000).catch((e: Error) => {
        throw new Error(`${node} did not rejoin: ${e.message}\n${system.logs(20)}`);
      });
    }
    const loadStart = acknowledgedAt[0];
    await load.stop();
    expect(load.stats.unexpected).toEqual([]);
    expect(load.stats.fiveHundreds).toEqual([]);

    const logged = new Map<string, number>();
    for (const e of await readEventLog(nc, 'cobrowse.>')) {
      const id = e.envelope.event_id as string;
      logged.set(id, (logged.get(id) ?? 0) + 1);
    }
    const lost = [...acknowledged].filter((id) => !logged.has(id));
    const twice = [...acknowledged].filter((id) => (logged.get(id) ?? 0) > 1);

    const api = new ApiClient(system.gatewayUrl).as('read');
    let lastMismatch = '';
    await eventually(async () => {
      for (const visit of load.stats.visits) {
        const mismatch = await readModelMismatch(visit, (path) => api.get(path));
        lastMismatch = mismatch ?? '';
        if (mismatch) throw new Error(mismatch);
      }
    }, 240_000).catch(() => {
      throw new Error(`read models did not converge: ${lastMismatch}\n${system.logs(20)}`);
    });

    console.log(
      `NATS cluster: ${KILLS} kills of the stream leader ${JSON.stringify(kills)}, ${RELAYS} relays over ` +
        `${Math.round((Date.now() - loadStart) / 1000)} s, ${acknowledged.size} facts acknowledged in ` +
        `${load.stats.attempts} attempts, lost ${lost.length}, applied twice ${twice.length}, ` +
        `longest time without an acknowledgement ${longestGap(0, Infinity)} ms`,
    );
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    for (const visit of load.stats.visits)
      for (const fact of visit.facts) expect(acknowledged.has(fact.event_id)).toBe(true);
  });
});
