import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { PutRetentionPolicyUseCase } from './put-retention-policy.usecase';
import { RetentionController } from './retention.controller';
import { SessionRetentionSweeper } from './session-retention.sweeper';

@Module({
  imports: [SessionsModule],
  controllers: [RetentionController],
  providers: [PutRetentionPolicyUseCase, SessionRetentionSweeper],
  exports: [SessionRetentionSweeper],
})
export class RetentionModule {}
