import { join } from 'node:path';
import { freePorts } from './ports';
import { startNatsServer, type NatsServerHandle, type NatsServerOptions } from './nats-server';

/** One node of a local NATS cluster: its handle while it runs, and what it needs to start again. */
export interface NatsClusterNode {
  name: string;
  handle: NatsServerHandle;
}

/**
 * nats-server processes clustered over loopback, each with its own JetStream store: the
 * shape of a production cluster on one machine. A node killed with -9 starts again on the
 * same ports and store.
 */
export class NatsCluster {
  private constructor(
    readonly nodes: NatsClusterNode[],
    private readonly start: (index: number) => Promise<NatsServerHandle>,
  ) {}

  static async start(
    dataDir: string,
    size: number,
    accounts?: string,
    options: Pick<NatsServerOptions, 'syncInterval'> = {},
  ): Promise<NatsCluster> {
    const ports = await freePorts(size * 3);
    const client = ports.slice(0, size);
    const route = ports.slice(size, 2 * size);
    const monitor = ports.slice(2 * size);
    const start = (i: number) =>
      startNatsServer(join(dataDir, `n${i + 1}`), join(dataDir, `n${i + 1}.log`), client[i], accounts, {
        ...options,
        serverName: `n${i + 1}`,
        monitorPort: monitor[i],
        cluster: { name: 'cobrowse', port: route[i], routes: route.filter((_, j) => j !== i) },
      });
    const handles = await Promise.all(Array.from({ length: size }, (_, i) => start(i)));
    return new NatsCluster(
      handles.map((handle, i) => ({ name: `n${i + 1}`, handle })),
      start,
    );
  }

  /** Every node's client URL, comma-separated: what NATS_URL gets. */
  get url(): string {
    return this.nodes.map((n) => n.handle.url).join(',');
  }

  node(name: string): NatsClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  async kill(name: string): Promise<void> {
    await this.node(name).handle.process.kill();
  }

  async restart(name: string): Promise<void> {
    const node = this.node(name);
    node.handle = await this.start(this.nodes.indexOf(node));
  }

  async reloadAccounts(accounts: string): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.handle.reloadAccounts(accounts)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.handle.stop()));
  }
}
