import { Module } from '@nestjs/common';
import { AppendConnectionFactsUseCase } from './append-connection-facts.usecase';
import { ConnectionFactLog } from './connection-fact.log';
import { ConnectionFactsController } from './connection-facts.controller';

/** Connection facts reach the log here: the gateway hands them over, as it does session facts. */
@Module({
  controllers: [ConnectionFactsController],
  providers: [ConnectionFactLog, AppendConnectionFactsUseCase],
})
export class ConnectionFactsModule {}
