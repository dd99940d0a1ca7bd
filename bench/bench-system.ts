import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'nats';
import {
  connectionFile,
  freePort,
  freePorts,
  NatsTenancy,
  SERVICE_NAMES,
  startFerretDb,
  startNatsServer,
  startService,
  waitUntilHealthy,
  type ManagedProcess,
  type ServiceName,
} from '@cobrowse/local-runtime';
import { BENCH_API_KEYS, BENCH_TENANT } from './workload';

const PROFILES = join(process.cwd(), 'bench', 'results', 'profiles');
let systemsStarted = 0;

/**
 * With BENCH_CPU_PROF, each service writes a V8 CPU profile whenever it stops (a pid and a
 * time in its name), into `profiles/<system>-<service>/`: the run's second system (the lazy
 * fsync ingest) does not take the place of the first's. `npm run bench:profile` summarises them.
 */
function profileArgs(systemNumber: number, service: ServiceName): string[] {
  if (!process.env.BENCH_CPU_PROF) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${join(PROFILES, `${systemNumber}-${service}`)}`];
}

/**
 * The system under measurement: NATS (with the shipped accounts) and FerretDB of its own on
 * free ports (or the NATS_URL / MONGODB_URL given, with NATS_USER / NATS_PASSWORD), and the
 * four built services as separate processes.
 */
export class BenchSystem {
  private constructor(
    readonly natsUrl: string,
    readonly mongoUrl: string,
    readonly gatewayUrl: string,
    readonly services: Map<ServiceName, ManagedProcess>,
    private readonly stopInfra: () => Promise<void>,
    private readonly dir: string,
    /** pids of nats-server and FerretDB when this bench started them. */
    readonly infraPids: Record<string, number>,
    private readonly tenancy: NatsTenancy | undefined,
    /** Each service's PROBE_PORT (liveness, readiness, metrics), kept across its restarts. */
    readonly probePorts: Map<ServiceName, number>,
  ) {}

  /** `natsSyncInterval`: JetStream's fsync policy of the NATS this bench starts (`always`, or the server's default when absent). */
  static async start(options: { natsSyncInterval?: string } = {}): Promise<BenchSystem> {
    const dir = mkdtempSync(join(tmpdir(), 'cobrowse-bench-'));
    const stops: Array<() => Promise<void>> = [];
    const infraPids: Record<string, number> = {};
    let natsUrl = process.env.NATS_URL;
    let mongoUrl = process.env.MONGODB_URL;
    let tenancy: NatsTenancy | undefined;
    if (!natsUrl) {
      tenancy = new NatsTenancy([BENCH_TENANT], () => randomBytes(18).toString('base64url'));
      const nats = await startNatsServer(
        join(dir, 'nats'),
        join(dir, 'nats-server.log'),
        undefined,
        tenancy.config(),
        {
          syncInterval: options.natsSyncInterval,
        },
      );
      stops.push(() => nats.stop());
      natsUrl = nats.url;
      infraPids['nats-server'] = nats.process.pid ?? 0;
    }
    if (!mongoUrl) {
      const mongo = await startFerretDb(dir, join(dir, 'ferretdb.log'));
      stops.push(() => mongo.stop());
      mongoUrl = mongo.url;
      infraPids.ferretdb = mongo.process.pid ?? 0;
    }
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NATS_URL: natsUrl,
      ...(tenancy ? { NATS_USER: 'services', NATS_PASSWORD: tenancy.identity('services')!.password } : {}),
      MONGODB_URL: mongoUrl,
      COBROWSE_API_KEYS: BENCH_API_KEYS,
      GATEWAY_PORT: String(port),
      LOG_LEVEL: 'warn',
      // The webhook phase delivers to a receiver on this machine.
      WEBHOOKS_ALLOW_PRIVATE: 'true',
      // Nothing times out while 100k sessions sit open during the run.
      SESSION_INACTIVITY_TIMEOUT_MS: String(24 * 3600 * 1000),
    };
    const services = new Map<ServiceName, ManagedProcess>();
    const systemNumber = ++systemsStarted;
    if (systemNumber === 1 && process.env.BENCH_CPU_PROF) rmSync(PROFILES, { recursive: true, force: true });
    const ports = await freePorts(SERVICE_NAMES.length);
    const probePorts = new Map(SERVICE_NAMES.map((service, i) => [service, ports[i]]));
    for (const service of SERVICE_NAMES) {
      const serviceEnv = { ...env, PROBE_PORT: String(probePorts.get(service)) };
      services.set(service, startService(service, serviceEnv, dir, 1, profileArgs(systemNumber, service)));
    }
    const gatewayUrl = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(gatewayUrl);
    return new BenchSystem(
      natsUrl,
      mongoUrl,
      gatewayUrl,
      services,
      async () => {
        for (const stop of stops) await stop();
      },
      dir,
      infraPids,
      tenancy,
      probePorts,
    );
  }

  /**
   * nats.js `connect()` options as `services` or `relay-bench`; with a given NATS_URL, the
   * services' NATS_USER / NATS_PASSWORD whoever is asked for.
   */
  natsAs(identity: string): ConnectionOptions {
    const found = this.tenancy?.identity(identity);
    if (found) return connectionFile(found, this.natsUrl);
    const { NATS_USER: user, NATS_PASSWORD: pass } = process.env;
    return { servers: this.natsUrl.split(','), ...(user ? { user, pass } : {}) };
  }

  /** Every process of the system, and the bench itself, by name. */
  allPids(): Record<string, number> {
    const pids: Record<string, number> = { ...this.infraPids, bench: process.pid };
    for (const [name, p] of this.services) if (p.pid) pids[name] = p.pid;
    return pids;
  }

  /** Stops one service (SIGTERM), e.g. to let a backlog build up for it. */
  async stopService(service: ServiceName): Promise<void> {
    await this.services.get(service)?.stop();
  }

  /** Starts a stopped service again, the same process as before with a new pid. */
  startService(service: ServiceName): void {
    const p = this.services.get(service);
    if (p && !p.isRunning) p.start();
  }

  pid(service: ServiceName): number {
    const pid = this.services.get(service)?.pid;
    if (!pid) throw new Error(`${service} is not running`);
    return pid;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((p) => p.stop()));
    await this.stopInfra();
    if (!process.env.KEEP_BENCH_DATA) rmSync(this.dir, { recursive: true, force: true });
  }
}
