import 'reflect-metadata';
import { runService } from '@cobrowse/platform';
import { HistoryProjectorModule } from './history-projector.module';

void runService({
  name: 'history-projector',
  rootModule: (config) => HistoryProjectorModule.forRoot(config),
  requiredEnv: ['NATS_URL', 'MONGODB_URL'],
});
