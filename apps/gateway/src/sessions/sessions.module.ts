import { Module } from '@nestjs/common';
import { SessionEventsStream } from './session-events.stream';
import { SessionsController } from './sessions.controller';
import { SessionsExportController } from './sessions-export.controller';

/** The export route is registered first so that `export.csv` is not taken for a session id. */
@Module({
  controllers: [SessionsExportController, SessionsController],
  providers: [SessionEventsStream],
  exports: [SessionEventsStream],
})
export class SessionsModule {}
