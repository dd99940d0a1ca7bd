import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'nats';
import type { TenantLimits } from '@cobrowse/contracts';
import {
  connectionFile,
  freePort,
  freePorts,
  NatsCluster,
  NatsTenancy,
  ManagedProcess,
  SERVICE_NAMES,
  serviceEntry,
  startFerretDb,
  startNatsServer,
  startService,
  waitUntilHealthy,
  type FerretDbHandle,
  type NatsServerHandle,
  type ServiceName,
} from '@cobrowse/local-runtime';
import { TEST_API_KEYS_JSON, TEST_TENANTS } from './test-keys';

export interface TestSystemOptions {
  /** Extra environment for every service (e.g. a short SESSION_INACTIVITY_TIMEOUT_MS). */
  env?: NodeJS.ProcessEnv;
  /** Replicas per service; 1 each by default. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** NATS as a cluster of this many nodes over loopback (streams and buckets at that many replicas). */
  natsCluster?: number;
  /** Limits of each tenant's NATS accounts, instead of the shipped defaults. */
  tenantLimits?: TenantLimits;
}

const PROBE_PORTS_PER_SYSTEM = 24;

/**
 * A whole system of its own for one test file: nats-server and FerretDB on free ports
 * with temporary data folders, and the four built services as real processes.
 */
export class TestSystem {
  readonly services = new Map<ServiceName, ManagedProcess[]>();
  private stopped = false;
  /** Each back-end replica's probe port (PROBE_PORT), kept across its restarts. */
  private readonly probePorts = new Map<string, number>();
  private spareProbePorts: number[] = [];

  private constructor(
    readonly dir: string,
    public nats: NatsServerHandle,
    /** Set when the system runs on a NATS cluster; `nats` is then its first node. */
    readonly natsCluster: NatsCluster | undefined,
    public mongo: FerretDbHandle,
    readonly gatewayPort: number,
    readonly env: NodeJS.ProcessEnv,
    private tenancy: NatsTenancy,
  ) {}

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const dir = mkdtempSync(join(tmpdir(), 'cobrowse-e2e-'));
    // NATS runs with the shipped accounts: the services', and a subscribers' and a relays' account per test tenant.
    const tenancy = new NatsTenancy(
      [...TEST_TENANTS],
      (name) => `${name}-${randomUUID()}`,
      options.tenantLimits,
    );
    const natsCluster = options.natsCluster
      ? await NatsCluster.start(join(dir, 'nats'), options.natsCluster, tenancy.config())
      : undefined;
    const nats =
      natsCluster?.nodes[0].handle ??
      (await startNatsServer(join(dir, 'nats'), join(dir, 'nats-server.log'), undefined, tenancy.config()));
    const mongo = await startFerretDb(dir, join(dir, 'ferretdb.log'));
    const gatewayPort = await freePort();
    const services = tenancy.identity('services')!;
    const env: NodeJS.ProcessEnv = {
      NATS_URL: natsCluster?.url ?? nats.url,
      ...(natsCluster ? { EVENTS_STREAM_REPLICAS: String(options.natsCluster) } : {}),
      NATS_USER: services.name,
      NATS_PASSWORD: services.password,
      MONGODB_URL: mongo.url,
      COBROWSE_API_KEYS: TEST_API_KEYS_JSON,
      GATEWAY_PORT: String(gatewayPort),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...options.env,
    };
    const system = new TestSystem(dir, nats, natsCluster, mongo, gatewayPort, env, tenancy);
    system.spareProbePorts = await freePorts(PROBE_PORTS_PER_SYSTEM);
    TestSystem.stopOnSignals(system);
    for (const service of SERVICE_NAMES) {
      for (let r = 1; r <= (options.replicas?.[service] ?? 1); r++) system.startReplica(service);
    }
    try {
      await waitUntilHealthy(system.gatewayUrl);
    } catch (e) {
      const logs = system.logs();
      await system.stop();
      throw new Error(`${(e as Error).message}\n${logs}`);
    }
    return system;
  }

  /**
   * Options for nats.js `connect()` as one of the identities: `services` (what tests that read
   * the log or act as a service use), `relay-<tenant>`, or `subscriber-<tenant>`.
   */
  natsAs(identity: string): ConnectionOptions {
    const found = this.tenancy.identity(identity);
    if (!found) throw new Error(`no NATS identity ${identity}`);
    return connectionFile(found, this.env.NATS_URL!);
  }

  /** Adds a tenant's accounts to the running NATS server (a configuration reload). */
  async addTenant(tenant: string): Promise<void> {
    this.tenancy = this.tenancy.withTenant(tenant, (name) => `${name}-${randomUUID()}`);
    await (this.natsCluster ?? this.nats).reloadAccounts(this.tenancy.config());
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  /** Starts one more replica; `env` overrides the system's for it alone (e.g. its own MONGODB_URL). */
  startReplica(service: ServiceName, env: NodeJS.ProcessEnv = {}): ManagedProcess {
    const replicas = this.services.get(service) ?? [];
    const number = replicas.length + 1;
    const replica = startService(service, { ...this.replicaEnv(service, number), ...env }, this.dir, number);
    replicas.push(replica);
    this.services.set(service, replicas);
    return replica;
  }

  /** kill -9 of one replica (1-based). */
  async killReplica(service: ServiceName, replica: number): Promise<void> {
    await this.services.get(service)![replica - 1].kill();
  }

  /** Starts one replica (1-based) again, in its old place and with its old log file. */
  restartReplica(service: ServiceName, replica: number): void {
    this.services.get(service)![replica - 1] = startService(
      service,
      this.replicaEnv(service, replica),
      this.dir,
      replica,
    );
  }

  /** Where one replica answers GET /livez, /readyz and /metrics (the gateway: on its own port). */
  probeUrl(service: ServiceName, replica = 1): string {
    if (service === 'gateway') return this.gatewayUrl;
    const port = this.probePorts.get(`${service}#${replica}`);
    if (!port) throw new Error(`${service}#${replica} was never started`);
    return `http://127.0.0.1:${port}`;
  }

  private replicaEnv(service: ServiceName, replica: number): NodeJS.ProcessEnv {
    if (service === 'gateway') return this.env;
    const key = `${service}#${replica}`;
    let port = this.probePorts.get(key);
    if (!port) {
      port = this.spareProbePorts.shift();
      if (!port) throw new Error(`more than ${PROBE_PORTS_PER_SYSTEM} replicas in one test system`);
      this.probePorts.set(key, port);
    }
    return { ...this.env, PROBE_PORT: String(port) };
  }

  /** kill -9 every replica of a service. */
  async kill(service: ServiceName): Promise<void> {
    await Promise.all((this.services.get(service) ?? []).map((p) => p.kill()));
    this.services.set(service, []);
  }

  async restart(service: ServiceName): Promise<void> {
    await this.kill(service);
    this.startReplica(service);
    await waitUntilHealthy(this.gatewayUrl);
  }

  /** Stops nats-server and starts it again on the same port and store (the services reconnect). */
  async restartNats(): Promise<void> {
    await this.nats.stop();
    await this.startNats();
  }

  /** kill -9 of nats-server. */
  async killNats(): Promise<void> {
    this.singleNatsOnly();
    await this.nats.process.kill();
  }

  /** Starts nats-server again on the same port and store. */
  async startNats(): Promise<void> {
    this.singleNatsOnly();
    this.nats = await startNatsServer(
      join(this.dir, 'nats'),
      join(this.dir, 'nats-server.log'),
      this.nats.port,
      this.tenancy.config(),
    );
  }

  private singleNatsOnly(): void {
    if (this.natsCluster)
      throw new Error('this system runs a NATS cluster: kill and restart its nodes by name');
  }

  /** kill -9 of the database. */
  async killDatabase(): Promise<void> {
    await this.mongo.process.kill();
  }

  /** Starts the database again on the same port and data. */
  async startDatabase(): Promise<void> {
    this.mongo = await startFerretDb(this.dir, join(this.dir, 'ferretdb.log'), this.mongo.port);
  }

  /** Runs the read-model rebuild command to its end; resolves with its output. */
  rebuild(): Promise<string> {
    return this.startRebuild().done;
  }

  /** Starts the read-model rebuild command: its process, its output so far, and its end. */
  startRebuild(): { child: ChildProcess; output: () => string; done: Promise<string> } {
    const child = spawn(
      process.execPath,
      [serviceEntry('history-projector').replace(/main\.js$/, 'rebuild/main.js')],
      { env: { ...process.env, ...this.env } },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const done = new Promise<string>((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`rebuild exited ${code}: ${text}`)),
      ),
    );
    return { child, output: () => text, done };
  }

  /**
   * One replica's structured log lines (1-based replica number, as in its log file name), of
   * its current process only: a replica started again appends to the same file.
   */
  logLines(service: ServiceName, replica: number): Array<{ level: string; message: any; context?: string }> {
    const pid = this.services.get(service)?.[replica - 1]?.pid;
    let text = '';
    try {
      text = readFileSync(join(this.dir, `${service}-${replica}.log`), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line) => {
      try {
        const entry = JSON.parse(line);
        return entry.pid === pid ? [entry] : [];
      } catch {
        return [];
      }
    });
  }

  /**
   * The replicas (1-based) whose log says they lead right now: their last leadership line is
   * `leading` (services log at info for this; see docs/operations.md).
   */
  leaders(service: ServiceName): number[] {
    const count = this.services.get(service)?.length ?? 0;
    const leading: number[] = [];
    for (let r = 1; r <= count; r++) {
      const changes = this.logLines(service, r).filter(
        (l) => l.message?.msg === 'leading' || l.message?.msg === 'stopped leading',
      );
      if (changes.at(-1)?.message.msg === 'leading') leading.push(r);
    }
    return leading;
  }

  /** The tail of every log, for a failing test's message. */
  logs(lines = 40): string {
    const names = ['nats-server.log', 'ferretdb.log'];
    for (const [service, replicas] of this.services)
      replicas.forEach((_, i) => names.push(`${service}-${i + 1}.log`));
    return names
      .map((name) => {
        try {
          const text = readFileSync(join(this.dir, name), 'utf8')
            .trimEnd()
            .split('\n')
            .slice(-lines)
            .join('\n');
          return `--- ${name}\n${text}`;
        } catch {
          return `--- ${name} (none)`;
        }
      })
      .join('\n');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([...this.services.values()].flat().map((p) => p.stop()));
    await Promise.all([(this.natsCluster ?? this.nats).stop(), this.mongo.stop()]);
    if (!process.env.KEEP_TEST_DATA) rmSync(this.dir, { recursive: true, force: true });
  }

  private static stopOnSignals(system: TestSystem): void {
    const onSignal = () => {
      void system.stop().finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
}
