import { Module } from '@nestjs/common';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { SessionExpiryWatch } from '../retention/session-expiry.watch';
import { SessionQueriesController } from './session-queries.controller';
import { SessionQueriesService } from './session-queries.service';
import { ReadModelLocator } from './read-model-locator';
import { SessionsRepository } from './sessions.repository';

@Module({
  controllers: [SessionQueriesController],
  providers: [
    ReadModelLocator,
    SessionsRepository,
    SessionQueriesService,
    RetentionPolicyRepository,
    SessionExpiryWatch,
  ],
  exports: [ReadModelLocator, SessionsRepository, RetentionPolicyRepository, SessionExpiryWatch],
})
export class SessionsModule {}
