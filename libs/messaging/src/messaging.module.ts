import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { natsConnectOptions, NatsConnectionService } from './nats-connection.service';
import { TenantStreams } from './tenant-streams';
import { EventLog } from './event-log';

/**
 * Connects the service's nats.js client (JetStream, raw subscriptions) before the app starts;
 * with it, the event log's one door (EventLog) and the tenants' streams kept beside the log.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: NatsConnectionService,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const nats = new NatsConnectionService();
            await nats.connect(natsConnectOptions(config, serviceName));
            return nats;
          },
        },
        TenantStreams,
        EventLog,
      ],
      exports: [NatsConnectionService, TenantStreams, EventLog],
    };
  }
}
