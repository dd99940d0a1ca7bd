import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { GenesysHistoryController } from './genesys-history.controller';

@Module({ imports: [SessionsModule], controllers: [GenesysHistoryController] })
export class HistoryModule {}
