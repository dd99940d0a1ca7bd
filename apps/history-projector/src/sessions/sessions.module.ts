import { Module } from '@nestjs/common';
import { RetentionPolicyRepository } from '../retention/retention-policy.repository';
import { SessionExpiryWatch } from '../retention/session-expiry.watch';
import { SessionQueriesController } from './session-queries.controller';
import { SessionQueriesService } from './session-queries.service';
import { ReadModelLocator } from './read-model-locator';
import { SessionsRepository } from './sessions.repository';
import { ListPagesRepository } from '../session-list/list-pages.repository';
import { ListPostingsRepository } from '../session-list/list-postings.repository';
import { SessionListReader } from '../session-list/session-list.reader';
import { SessionListWriter } from '../session-list/session-list.writer';

@Module({
  controllers: [SessionQueriesController],
  providers: [
    ReadModelLocator,
    SessionsRepository,
    ListPagesRepository,
    ListPostingsRepository,
    SessionListReader,
    SessionListWriter,
    SessionQueriesService,
    RetentionPolicyRepository,
    SessionExpiryWatch,
  ],
  exports: [
    ReadModelLocator,
    SessionsRepository,
    ListPagesRepository,
    SessionListReader,
    SessionListWriter,
    RetentionPolicyRepository,
    SessionExpiryWatch,
  ],
})
export class SessionsModule {}
