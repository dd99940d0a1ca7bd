import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { EraseSessionsUseCase } from './erase-sessions.usecase';
import { ErasureController } from './erasure.controller';
import { LeaderListRemoval } from './leader-list-removal';

@Module({
  imports: [SessionsModule],
  controllers: [ErasureController],
  providers: [EraseSessionsUseCase, LeaderListRemoval],
})
export class ErasureModule {}
