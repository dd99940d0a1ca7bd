import { Module } from '@nestjs/common';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { SessionQueriesController } from './session-queries.controller';
import { SessionQueriesService } from './session-queries.service';
import { SessionsRepository } from './sessions.repository';

@Module({
  controllers: [SessionQueriesController],
  providers: [SessionsRepository, SessionQueriesService, RetentionPolicyRepository],
  exports: [SessionsRepository, RetentionPolicyRepository],
})
export class SessionsModule {}
