import { Module } from '@nestjs/common';
import { SessionEventStore } from '../event-log/session-event-store';
import { ForgottenSessionsListener } from '../event-log/forgotten-sessions.listener';
import { SessionHistoryCache } from '../event-log/session-history.cache';
import { SessionTokenRegistry } from '../tokens/session-token-registry';
import { AppendSessionEventUseCase } from './append-session-event.usecase';
import { AppendSessionEventsUseCase } from './append-session-events.usecase';
import { PurgeFromLogUseCase } from './purge-from-log.usecase';
import { SessionEventsController } from './session-events.controller';

@Module({
  controllers: [SessionEventsController],
  providers: [
    SessionEventStore,
    SessionHistoryCache,
    ForgottenSessionsListener,
    SessionTokenRegistry,
    AppendSessionEventUseCase,
    AppendSessionEventsUseCase,
    PurgeFromLogUseCase,
  ],
})
export class SessionsModule {}
