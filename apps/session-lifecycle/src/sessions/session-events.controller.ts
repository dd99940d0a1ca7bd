import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, type AppendEventsReply, type AppendEventsRequest } from '@cobrowse/contracts';
import { AppendSessionEventsUseCase } from './append-session-events.usecase';

@Controller()
export class SessionEventsController {
  constructor(private readonly appendEvents: AppendSessionEventsUseCase) {}

  @MessagePattern(RPC.lifecycleAppend)
  append(@Payload() request: AppendEventsRequest): Promise<AppendEventsReply> {
    return this.appendEvents.execute(request);
  }
}
