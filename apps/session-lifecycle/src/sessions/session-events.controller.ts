import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  type AppendEventsReply,
  type AppendEventsRequest,
  type PurgeFromLogReply,
  type PurgeFromLogRequest,
} from '@cobrowse/contracts';
import { AppendSessionEventsUseCase } from './append-session-events.usecase';
import { PurgeFromLogUseCase } from './purge-from-log.usecase';

@Controller()
export class SessionEventsController {
  constructor(
    private readonly appendEvents: AppendSessionEventsUseCase,
    private readonly purgeFromLog: PurgeFromLogUseCase,
  ) {}

  @MessagePattern(RPC.lifecycleAppend)
  append(@Payload() request: AppendEventsRequest): Promise<AppendEventsReply> {
    return this.appendEvents.execute(request);
  }

  @MessagePattern(RPC.lifecyclePurge)
  purge(@Payload() request: PurgeFromLogRequest): Promise<PurgeFromLogReply> {
    return this.purgeFromLog.execute(request);
  }
}
