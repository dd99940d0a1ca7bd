import { Module } from '@nestjs/common';
import { ListPostingsBackfill } from '../session-list/list-postings.backfill';
import { SessionsModule } from '../sessions/sessions.module';
import { ProjectBatchUseCase } from './project-batch.usecase';
import { SessionProjectionConsumer } from './session-projection.consumer';

@Module({
  imports: [SessionsModule],
  providers: [ProjectBatchUseCase, SessionProjectionConsumer, ListPostingsBackfill],
})
export class ProjectionModule {}
