import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  type EraseSessionsRequest,
  type GetDeviceRequest,
  type SessionIdsOfDeviceReply,
} from '@cobrowse/contracts';
import { SessionsRepository } from '../sessions/sessions.repository';
import { EraseSessionsUseCase } from './erase-sessions.usecase';

@Controller()
export class ErasureController {
  constructor(
    private readonly eraseSessions: EraseSessionsUseCase,
    private readonly sessions: SessionsRepository,
  ) {}

  @MessagePattern(RPC.projectorSessionIdsOfDevice)
  async idsOfDevice(@Payload() request: GetDeviceRequest): Promise<SessionIdsOfDeviceReply> {
    return { session_ids: await this.sessions.idsOfDevice(request.tenant, request.device_id) };
  }

  @MessagePattern(RPC.projectorEraseSessions)
  erase(@Payload() request: EraseSessionsRequest): Promise<{ deleted: number }> {
    return this.eraseSessions.execute(request);
  }
}
