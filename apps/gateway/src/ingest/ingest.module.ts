import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { IngestBatchUseCase } from './ingest-batch.usecase';
import { NatsIngestListener } from './nats-ingest.listener';
import { PresenceClient } from './presence.client';
import { ReportSessionEventUseCase } from './report-session-event.usecase';
import { SessionIngestController } from './session-ingest.controller';

@Module({
  controllers: [SessionIngestController, EventsController],
  providers: [ReportSessionEventUseCase, IngestBatchUseCase, NatsIngestListener, PresenceClient],
  exports: [IngestBatchUseCase],
})
export class IngestModule {}
