import 'reflect-metadata';
import { runService } from '@cobrowse/platform';
import { ConnectionTrackerModule } from './connection-tracker.module';

void runService({
  name: 'connection-tracker',
  rootModule: (config) => ConnectionTrackerModule.forRoot(config),
  requiredEnv: ['NATS_URL', 'MONGODB_URL'],
});
