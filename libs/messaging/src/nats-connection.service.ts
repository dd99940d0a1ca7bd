import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type ConnectionOptions,
} from 'nats';
import type { DependencyHealth } from '@cobrowse/contracts';
import { probes } from '@cobrowse/observability';
import { retryWhileUnavailable } from './startup-retry';

const NATS_CONNECT_DEFAULTS: Partial<ConnectionOptions> = {
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  waitOnFirstConnect: true,
  pingInterval: 10_000,
};

/** How every service connection to NATS is made: its servers, its identity, reconnecting for ever. */
export function natsConnectOptions(
  config: { NATS_URL: string; NATS_USER?: string; NATS_PASSWORD?: string; NATS_TLS_CA_FILE?: string },
  name: string,
): ConnectionOptions {
  return {
    ...NATS_CONNECT_DEFAULTS,
    servers: config.NATS_URL.split(','),
    name,
    ...(config.NATS_USER ? { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? '' } : {}),
    ...(config.NATS_TLS_CA_FILE ? { tls: { caFile: config.NATS_TLS_CA_FILE } } : {}),
  };
}

/** The service's own nats.js connection, used for JetStream and raw subscriptions. */
@Injectable()
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionService.name);
  private connection?: NatsConnection;
  private jetstream?: JetStreamClient;
  private manager?: JetStreamManager;
  private disconnected = false;

  async connect(options: ConnectionOptions): Promise<void> {
    this.connection = await connect(options);
    this.jetstream = this.connection.jetstream();
    // A cluster still electing its meta leader does not answer the JetStream API yet: wait for
    // it (a server without JetStream was refused earlier, by the start-up check).
    const connection = this.connection;
    this.manager = await retryWhileUnavailable(
      'JetStream API',
      () => connection.jetstreamManager({ timeout: 10_000 }),
      this.logger,
    );
    void this.watchStatus(this.connection);
    // A closed client never comes back (it reconnects for ever until closed): only a restart helps.
    probes.liveness('nats', () => (this.connection?.isClosed() ? 'the NATS connection is closed' : null));
    probes.readiness('nats', () =>
      this.connection?.isClosed() || this.disconnected ? 'not connected to NATS' : null,
    );
  }

  get nc(): NatsConnection {
    if (!this.connection) throw new Error('NATS is not connected yet');
    return this.connection;
  }

  get js(): JetStreamClient {
    if (!this.jetstream) throw new Error('NATS is not connected yet');
    return this.jetstream;
  }

  get jsm(): JetStreamManager {
    if (!this.manager) throw new Error('NATS is not connected yet');
    return this.manager;
  }

  async health(): Promise<DependencyHealth> {
    if (!this.connection || this.connection.isClosed()) return { status: 'down', error: 'not connected' };
    try {
      await this.connection.flush();
      return { status: 'up' };
    } catch (e) {
      return { status: 'down', error: (e as Error).message };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const nc = this.connection;
    if (!nc || nc.isClosed()) return;
    // Drained when NATS is there; closed outright when it is not (a drain would wait for it).
    const drained = await Promise.race([
      nc.drain().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2_000)),
    ]);
    if (!drained) await nc.close().catch(() => undefined);
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        this.disconnected = status.type === 'disconnect';
        this.logger.warn({ msg: `nats ${status.type}`, server: String(status.data) });
      }
    }
  }
}
