import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeviceErrorCode,
  DeviceException,
  RPC,
  type DeviceResource,
  type GetDeviceRequest,
  type ListDevicesRequest,
} from '@cobrowse/contracts';
import { DeviceQueriesService } from './device-queries.service';

@Controller()
export class DeviceQueriesController {
  constructor(private readonly queries: DeviceQueriesService) {}

  @MessagePattern(RPC.trackerGetDevice)
  async get(@Payload() request: GetDeviceRequest): Promise<DeviceResource> {
    const device = await this.queries.get(request.tenant, request.device_id);
    if (!device)
      throw new DeviceException(DeviceErrorCode.DeviceNotFound, `device ${request.device_id} not found`);
    return device;
  }

  @MessagePattern(RPC.trackerListDevices)
  list(@Payload() request: ListDevicesRequest) {
    return this.queries.list(request);
  }
}
