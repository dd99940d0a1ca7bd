import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, type AppendConnectionFactsReply, type AppendConnectionFactsRequest } from '@cobrowse/contracts';
import { AppendConnectionFactsUseCase } from './append-connection-facts.usecase';

@Controller()
export class ConnectionFactsController {
  constructor(private readonly appendFacts: AppendConnectionFactsUseCase) {}

  @MessagePattern(RPC.lifecycleAppendConnectionFacts)
  append(@Payload() request: AppendConnectionFactsRequest): Promise<AppendConnectionFactsReply> {
    return this.appendFacts.execute(request);
  }
}
