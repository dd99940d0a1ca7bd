import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  type AppendEventsReply,
  type AppendEventsRequest,
  type ForgetSessionsRequest,
} from '@cobrowse/contracts';
import { AppendSessionEventsUseCase } from './append-session-events.usecase';
import { ForgetSessionsUseCase } from './forget-sessions.usecase';

@Controller()
export class SessionEventsController {
  constructor(
    private readonly appendEvents: AppendSessionEventsUseCase,
    private readonly forgetSessions: ForgetSessionsUseCase,
  ) {}

  @MessagePattern(RPC.lifecycleAppend)
  append(@Payload() request: AppendEventsRequest): Promise<AppendEventsReply> {
    return this.appendEvents.execute(request);
  }

  @MessagePattern(RPC.lifecycleForgetSessions)
  forget(@Payload() request: ForgetSessionsRequest): Promise<{ forgotten: number }> {
    return this.forgetSessions.execute(request);
  }
}
