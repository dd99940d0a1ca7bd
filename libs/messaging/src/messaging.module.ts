import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@cobrowse/config';
import { natsConnectOptions, NatsConnectionService } from './nats-connection.service';

/** Connects the service's nats.js client (JetStream, raw subscriptions) before the app starts. */
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
      ],
      exports: [NatsConnectionService],
    };
  }
}
