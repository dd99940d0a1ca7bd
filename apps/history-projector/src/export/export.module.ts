import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { ExportController } from './export.controller';
import { ExportSessionsService } from './export-sessions.service';

@Module({ imports: [SessionsModule], controllers: [ExportController], providers: [ExportSessionsService] })
export class ExportModule {}
