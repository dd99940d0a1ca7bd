import { Module } from '@nestjs/common';
import { SessionQueriesController } from './session-queries.controller';
import { SessionsRepository } from './sessions.repository';

@Module({
  controllers: [SessionQueriesController],
  providers: [SessionsRepository],
  exports: [SessionsRepository],
})
export class SessionsModule {}
