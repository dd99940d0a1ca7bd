import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { EraseSessionsUseCase } from './erase-sessions.usecase';
import { ErasureController } from './erasure.controller';

@Module({ imports: [SessionsModule], controllers: [ErasureController], providers: [EraseSessionsUseCase] })
export class ErasureModule {}
