import { Global, Module } from '@nestjs/common';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { AppConfig } from '@cobrowse/config';
import { natsConnectOptions, RpcClient } from '@cobrowse/messaging';
import { LifecycleClient } from './lifecycle.client';
import { ProjectorClient } from './projector.client';
import { TrackerClient } from './tracker.client';
import { WebhooksClient } from './webhooks.client';

/** Request-reply to the back-end services over NATS; the gateway holds no database connection. */
@Global()
@Module({
  providers: [
    {
      provide: RpcClient,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new RpcClient(
          ClientProxyFactory.create({
            transport: Transport.NATS,
            options: natsConnectOptions(config, 'gateway-rpc'),
          }),
        ),
    },
    LifecycleClient,
    ProjectorClient,
    TrackerClient,
    WebhooksClient,
  ],
  exports: [RpcClient, LifecycleClient, ProjectorClient, TrackerClient, WebhooksClient],
})
export class ServicesClientModule {}
