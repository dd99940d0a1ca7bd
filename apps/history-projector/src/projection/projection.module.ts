import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ApplySessionEventUseCase } from './apply-session-event.usecase';
import { SessionLogReader } from './session-log.reader';
import { SessionProjectionConsumer } from './session-projection.consumer';

@Module({
  imports: [SessionsModule],
  providers: [ApplySessionEventUseCase, SessionLogReader, SessionProjectionConsumer],
})
export class ProjectionModule {}
