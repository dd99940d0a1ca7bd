import { Module } from '@nestjs/common';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { SessionQueriesController } from './session-queries.controller';
import { SessionQueriesService } from './session-queries.service';
import { ReadModelLocator } from './read-model-locator';
import { SessionsRepository } from './sessions.repository';

@Module({
  controllers: [SessionQueriesController],
  providers: [ReadModelLocator, SessionsRepository, SessionQueriesService, RetentionPolicyRepository],
  exports: [ReadModelLocator, SessionsRepository, RetentionPolicyRepository],
})
export class SessionsModule {}
