import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, type EraseDeviceRequest, type ErasureRecord } from '@cobrowse/contracts';
import { EraseDeviceUseCase } from './erase-device.usecase';

@Controller()
export class ErasureController {
  constructor(private readonly eraseDevice: EraseDeviceUseCase) {}

  @MessagePattern(RPC.trackerEraseDevice)
  erase(@Payload() request: EraseDeviceRequest): Promise<ErasureRecord> {
    return this.eraseDevice.execute(request);
  }
}
