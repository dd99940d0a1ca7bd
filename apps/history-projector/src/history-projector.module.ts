import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import { healthControllerFor } from '@cobrowse/platform';
import { ProjectionModule } from './projection/projection.module';
import { SessionsModule } from './sessions/sessions.module';

@Module({})
export class HistoryProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: HistoryProjectorModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('history-projector'),
        PersistenceModule.forRoot(),
        SessionsModule,
        ProjectionModule,
      ],
      controllers: [healthControllerFor('history-projector')],
    };
  }
}
