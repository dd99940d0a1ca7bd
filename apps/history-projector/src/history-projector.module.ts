import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@cobrowse/config';
import { MessagingModule } from '@cobrowse/messaging';
import { PersistenceModule } from '@cobrowse/persistence';
import { EVENTS_STREAM, INTERNAL_SUBJECTS } from '@cobrowse/contracts';
import { HEALTH_CONSUMERS, HEALTH_DETAILS, healthControllerFor, LeadershipModule } from '@cobrowse/platform';
import { ErasureModule } from './erasure/erasure.module';
import { ExportModule } from './export/export.module';
import { ProjectionModule } from './projection/projection.module';
import { PROJECTOR_CONSUMER, PROJECTOR_LEASE_KEY } from './projection/session-projection.consumer';
import { RetentionModule } from './retention/retention.module';
import { SessionRetentionSweeper } from './retention/session-retention.sweeper';
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
        LeadershipModule.forRoot({
          leaseKey: PROJECTOR_LEASE_KEY,
          stepDownSubject: INTERNAL_SUBJECTS.projectorStepDown,
        }),
        SessionsModule,
        ProjectionModule,
        ExportModule,
        RetentionModule,
        ErasureModule,
      ],
      controllers: [healthControllerFor('history-projector')],
      providers: [
        { provide: HEALTH_CONSUMERS, useValue: [{ stream: EVENTS_STREAM, consumer: PROJECTOR_CONSUMER }] },
        {
          provide: HEALTH_DETAILS,
          useFactory: (sweeper: SessionRetentionSweeper) => [sweeper.stats],
          inject: [SessionRetentionSweeper],
        },
      ],
    };
  }
}
