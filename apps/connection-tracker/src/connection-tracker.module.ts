import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import { healthControllerFor } from '@cobrowse/platform';

/** Devices, live connections and inactivity timeouts (its features land module by module). */
@Module({})
export class ConnectionTrackerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConnectionTrackerModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('connection-tracker'),
        PersistenceModule.forRoot(),
      ],
      controllers: [healthControllerFor('connection-tracker')],
    };
  }
}
