import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import { RebuildReadModelUseCase } from './rebuild-read-model.usecase';

@Module({})
export class RebuildModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RebuildModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('history-projector-rebuild'),
        PersistenceModule.forRoot(),
      ],
      providers: [RebuildReadModelUseCase],
    };
  }
}
