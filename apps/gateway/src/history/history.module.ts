import { Module } from '@nestjs/common';
import { GenesysHistoryController } from './genesys-history.controller';

@Module({ controllers: [GenesysHistoryController] })
export class HistoryModule {}
