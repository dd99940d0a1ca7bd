import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  RPC,
  type EraseSessionsReply,
  type EraseSessionsRequest,
  type GetDeviceRequest,
  type SessionIdsOfDeviceReply,
} from '@cobrowse/contracts';
import { SessionListReader } from '../session-list/session-list.reader';
import { EraseSessionsUseCase } from './erase-sessions.usecase';

@Controller()
export class ErasureController {
  constructor(
    private readonly eraseSessions: EraseSessionsUseCase,
    private readonly list: SessionListReader,
  ) {}

  @MessagePattern(RPC.projectorSessionIdsOfDevice)
  async idsOfDevice(@Payload() request: GetDeviceRequest): Promise<SessionIdsOfDeviceReply> {
    const ids: string[] = [];
    for await (const row of this.list.rows(request.tenant, { device_id: request.device_id }))
      ids.push(row.id);
    return { session_ids: ids };
  }

  @MessagePattern(RPC.projectorEraseSessions)
  erase(@Payload() request: EraseSessionsRequest): Promise<EraseSessionsReply> {
    return this.eraseSessions.execute(request);
  }
}
