import { Injectable } from '@nestjs/common';
import {
  RPC,
  type DeviceResource,
  type EraseDeviceRequest,
  type ErasureRecord,
  type GetDeviceRequest,
  type ListDevicesRequest,
} from '@cobrowse/contracts';
import { RpcClient } from '@cobrowse/messaging';

/** The connection-tracker service: devices and presence. */
@Injectable()
export class TrackerClient {
  constructor(private readonly rpc: RpcClient) {}

  getDevice(tenant: string, deviceId: string): Promise<DeviceResource> {
    return this.rpc.send<DeviceResource, GetDeviceRequest>(RPC.trackerGetDevice, {
      tenant,
      device_id: deviceId,
    });
  }

  listDevices(request: ListDevicesRequest): Promise<{ data: DeviceResource[]; next_cursor: string | null }> {
    return this.rpc.send(RPC.trackerListDevices, request, 30_000);
  }

  /** Scans the tenant's creations in the log and purges; generous deadline. */
  eraseDevice(request: EraseDeviceRequest): Promise<ErasureRecord> {
    return this.rpc.send<ErasureRecord, EraseDeviceRequest>(RPC.trackerEraseDevice, request, 120_000);
  }
}
