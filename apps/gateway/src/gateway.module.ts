import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { DevicesModule } from './devices/devices.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { IngestModule } from './ingest/ingest.module';
import { LiveModule } from './live/live.module';
import { MetadataModule } from './metadata/metadata.module';
import { RetentionModule } from './retention/retention.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ServicesClientModule } from './services/services-client.module';
import { SessionsModule } from './sessions/sessions.module';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ConfigModule.forRoot(config),
        MessagingModule.forRoot('gateway'),
        ServicesClientModule,
        AuthModule,
        AuditModule,
        IngestModule,
        SessionsModule,
        MetadataModule,
        DevicesModule,
        HistoryModule,
        LiveModule,
        RetentionModule,
        WebhooksModule,
        HealthModule,
      ],
    };
  }
}
