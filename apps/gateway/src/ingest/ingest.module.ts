import { Module } from '@nestjs/common';
import { ReportSessionEventUseCase } from './report-session-event.usecase';
import { SessionIngestController } from './session-ingest.controller';

@Module({
  controllers: [SessionIngestController],
  providers: [ReportSessionEventUseCase],
})
export class IngestModule {}
