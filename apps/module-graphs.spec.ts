import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import type { DynamicModule } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@cobrowse/config';
import { NatsConnectionService } from '@cobrowse/messaging';
import { MongoService } from '@cobrowse/persistence';
import { TEST_API_KEYS_JSON } from '@cobrowse/testing';
import { ConnectionTrackerModule } from './connection-tracker/src/connection-tracker.module';
import { GatewayModule } from './gateway/src/gateway.module';
import { HistoryProjectorModule } from './history-projector/src/history-projector.module';
import { SessionLifecycleModule } from './session-lifecycle/src/session-lifecycle.module';
import { WebhookDispatcherModule } from './webhook-dispatcher/src/webhook-dispatcher.module';

/**
 * Every service's module graph resolves: each provider finds what it injects. Nothing is
 * started (no lifecycle hook runs, and the NATS and database connections are left unconnected); what this catches is a class
 * imported as a type only, a provider missing from its module, or a cycle, which otherwise
 * shows only when a service starts in the end-to-end tier.
 */
const config: AppConfig = loadConfig({
  NATS_URL: 'nats://127.0.0.1:1',
  MONGODB_URL: 'mongodb://127.0.0.1:1/cobrowse',
  COBROWSE_API_KEYS: TEST_API_KEYS_JSON,
});

describe('service module graphs', () => {
  it.each<[string, (config: AppConfig) => DynamicModule]>([
    ['gateway', (c) => GatewayModule.forRoot(c)],
    ['session-lifecycle', (c) => SessionLifecycleModule.forRoot(c)],
    ['connection-tracker', (c) => ConnectionTrackerModule.forRoot(c)],
    ['history-projector', (c) => HistoryProjectorModule.forRoot(c)],
    ['webhook-dispatcher', (c) => WebhookDispatcherModule.forRoot(c)],
  ])('%s resolves every provider', async (_service, forRoot) => {
    // Connections as a service has them before connecting: the graph is what is under test.
    const module = await Test.createTestingModule({ imports: [forRoot(config)] })
      .overrideProvider(NatsConnectionService)
      .useValue(new NatsConnectionService())
      .overrideProvider(MongoService)
      .useValue(new MongoService())
      .compile();
    await module.close();
  });
});
