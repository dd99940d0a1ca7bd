import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy to one server, for one client to reach it through: `stall()` stops passing
 * bytes both ways on every connection, old and new, without closing any — what a client sees
 * of a hung network path or a stuck driver pool — and `restore()` lets them flow again.
 */
export class TcpProxy {
  private stalled = false;
  /** Bytes held back while stalled, per direction, delivered in order on restore. */
  private readonly held: Array<{ to: Socket; data: Buffer }> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.pair(client, connect(targetPort, '127.0.0.1')));
    return proxy;
  }

  stall(): void {
    this.stalled = true;
  }

  restore(): void {
    this.stalled = false;
    for (const { to, data } of this.held.splice(0)) if (!to.destroyed) to.write(data);
  }

  /** Cuts every open connection (each side sees it closed) and goes on accepting new ones. */
  drop(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pair(client: Socket, upstream: Socket): void {
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private forward(from: Socket, to: Socket): void {
    this.sockets.add(from);
    from.on('data', (data) => (this.stalled ? this.held.push({ to, data }) : to.write(data)));
    from.on('error', () => undefined);
    from.on('close', () => {
      this.sockets.delete(from);
      to.destroy();
    });
  }
}
