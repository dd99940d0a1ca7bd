import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { healthControllerFor } from '@cobrowse/platform';
import { ConnectionFactsModule } from './connection-facts/connection-facts.module';
import { SessionsModule } from './sessions/sessions.module';

@Module({})
export class SessionLifecycleModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SessionLifecycleModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('session-lifecycle'),
        SessionsModule,
        ConnectionFactsModule,
      ],
      controllers: [healthControllerFor('session-lifecycle')],
    };
  }
}
