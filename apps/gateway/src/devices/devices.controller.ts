import { Controller, Delete, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DeviceErrorCode,
  DeviceException,
  SUBJECT_TOKEN_PATTERN,
  type DeviceResource,
  type ErasureRecord,
  QueryErrorCode,
} from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { actorLabel, type Principal } from '../auth/principal';
import { DeviceListDto, DeviceResourceDto, ErasureRecordDto } from '../docs/schemas';
import { TrackerClient } from '../services/tracker.client';
import { parseDeviceQuery } from './device-query.parser';
import { ApiErrors } from '../docs/api-errors.decorator';
import { Audited } from '../audit/audited.decorator';
import { checkDeviceVisible } from '../auth/session-access';

export function checkDeviceId(id: string): string {
  if (!SUBJECT_TOKEN_PATTERN.test(id))
    throw new DeviceException(DeviceErrorCode.DeviceNotFound, 'device not found');
  return id;
}

@ApiTags('devices')
@ApiBearerAuth()
@RequireScope('read')
@Controller('v1/devices')
export class DevicesController {
  constructor(private readonly tracker: TrackerClient) {}

  @Get()
  @ApiOperation({ summary: 'Devices, newest added first, in stable cursor pages' })
  @ApiQuery({
    name: 'filter_{key}',
    required: false,
    type: String,
    description: 'custom data equality, as a string',
  })
  @ApiQuery({ name: 'online', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'seen_after', required: false, type: String })
  @ApiQuery({ name: 'seen_before', required: false, type: String })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiResponse({ status: 200, type: DeviceListDto })
  @ApiErrors(QueryErrorCode.InvalidQuery, QueryErrorCode.InvalidCursor)
  list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, unknown>) {
    const { query, limit, cursor } = parseDeviceQuery(raw);
    if (principal.policy) query.policy = principal.policy;
    return this.tracker.listDevices({ tenant: principal.tenant, query, limit, cursor });
  }

  @Get(':id')
  @ApiOperation({ summary: 'A device with its connections and presence' })
  @ApiResponse({ status: 200, type: DeviceResourceDto })
  @ApiErrors(DeviceErrorCode.DeviceNotFound)
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<DeviceResource> {
    return checkDeviceVisible(principal, await this.tracker.getDevice(principal.tenant, checkDeviceId(id)));
  }

  @Delete(':id')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Erases the device and every session it had, from the read models and from the event log',
    description:
      'A rebuild afterwards brings nothing back. Answers the audit record that is kept: when, by which key ' +
      '(a fingerprint, never the key), which ids. No personal data.',
  })
  @ApiResponse({ status: 200, type: ErasureRecordDto })
  @ApiErrors(DeviceErrorCode.DeviceNotFound)
  @Audited('device.erased', (params, result) => ({
    target: params.id,
    details: { session_ids: (result as ErasureRecord).session_ids },
  }))
  async erase(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ErasureRecord> {
    if (principal.policy) await this.get(principal, id);
    return this.tracker.eraseDevice({
      tenant: principal.tenant,
      device_id: checkDeviceId(id),
      requested_by: actorLabel(principal.actor),
    });
  }
}
