import 'reflect-metadata';
import { runService } from '@cobrowse/platform';
import { WebhookDispatcherModule } from './webhook-dispatcher.module';

void runService({
  name: 'webhook-dispatcher',
  rootModule: (config) => WebhookDispatcherModule.forRoot(config),
  requiredEnv: ['NATS_URL', 'MONGODB_URL'],
});
