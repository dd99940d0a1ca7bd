import 'reflect-metadata';
import { runService } from '@cobrowse/platform';
import { SessionLifecycleModule } from './session-lifecycle.module';

void runService({
  name: 'session-lifecycle',
  rootModule: (config) => SessionLifecycleModule.forRoot(config),
  requiredEnv: ['NATS_URL'],
});
