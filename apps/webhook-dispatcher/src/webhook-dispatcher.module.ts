import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule, rpcClientProvider } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import { healthControllerFor, LeadershipModule, RetentionPolicyClient } from '@cobrowse/platform';
import { AttemptsRepository } from './delivery/attempts.repository';
import { SendTestUseCase } from './delivery/send-test.usecase';
import { SessionsAsOf } from './delivery/sessions-as-of';
import { WebhookDeliveries } from './delivery/webhook-deliveries';
import { CreateEndpointUseCase } from './endpoints/create-endpoint.usecase';
import { DeleteEndpointUseCase } from './endpoints/delete-endpoint.usecase';
import { EndpointChanges } from './endpoints/endpoint-changes';
import { EndpointSubscriptions } from './endpoints/endpoint-subscriptions';
import { EndpointsController } from './endpoints/endpoints.controller';
import { ReplayEndpointUseCase } from './endpoints/replay-endpoint.usecase';
import { RotateSecretUseCase } from './endpoints/rotate-secret.usecase';
import { UpdateEndpointUseCase } from './endpoints/update-endpoint.usecase';
import { WebhookEndpointsRepository } from './endpoints/webhook-endpoints.repository';

/** The lease of the replica that delivers (the others serve the API and stand by). */
export const WEBHOOK_DISPATCHER_LEASE_KEY = 'webhook-dispatcher';

/** Webhooks (SPEC section 11): the tenants' endpoints, and deliveries of the log's events to them. */
@Module({})
export class WebhookDispatcherModule implements OnModuleInit {
  constructor(private readonly endpoints: WebhookEndpointsRepository) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WebhookDispatcherModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('webhook-dispatcher'),
        PersistenceModule.forRoot(),
        LeadershipModule.forRoot({ leaseKey: WEBHOOK_DISPATCHER_LEASE_KEY }),
      ],
      controllers: [healthControllerFor('webhook-dispatcher'), EndpointsController],
      providers: [
        WebhookEndpointsRepository,
        EndpointSubscriptions,
        EndpointChanges,
        CreateEndpointUseCase,
        UpdateEndpointUseCase,
        DeleteEndpointUseCase,
        RotateSecretUseCase,
        ReplayEndpointUseCase,
        AttemptsRepository,
        SessionsAsOf,
        RetentionPolicyClient,
        rpcClientProvider(config, 'webhook-dispatcher-rpc'),
        SendTestUseCase,
        WebhookDeliveries,
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.endpoints.ensureIndexes();
  }
}
