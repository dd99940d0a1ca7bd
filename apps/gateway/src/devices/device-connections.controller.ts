import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AuthErrorCode,
  ErrorReply,
  RequestErrorCode,
  RequestException,
  isPlainObject,
  type ConnectionEventType,
  SessionErrorCode,
} from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { ConnectionAckDto } from '../docs/schemas';
import { IngestBatchUseCase } from '../ingest/ingest-batch.usecase';
import { checkDeviceId } from './devices.controller';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';

/** The connection facts of SPEC section 7 as REST calls; same validation and log as POST /v1/events. */
@ApiTags('devices')
@ApiBearerAuth()
@RequireScope('ingest')
@Controller('v1/devices/:deviceId/connections')
export class DeviceConnectionsController {
  constructor(private readonly ingest: IngestBatchUseCase) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'A connection (tab, app instance) opened: connection.opened' })
  @ApiBody({ schema: { type: 'object', required: ['connection_id'] } })
  @ApiResponse({ status: 201, type: ConnectionAckDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, ...BODY_ERRORS, SessionErrorCode.OccurredAtInFuture)
  open(@CurrentPrincipal() p: Principal, @Param('deviceId') deviceId: string, @Body() body: unknown) {
    return this.report(p, 'connection.opened', checkDeviceId(deviceId), undefined, body);
  }

  @Post(':connectionId/heartbeat')
  @HttpCode(200)
  @ApiOperation({ summary: 'The connection is alive: connection.heartbeat' })
  @ApiResponse({ status: 200, type: ConnectionAckDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, ...BODY_ERRORS, SessionErrorCode.OccurredAtInFuture)
  heartbeat(
    @CurrentPrincipal() p: Principal,
    @Param('deviceId') deviceId: string,
    @Param('connectionId') connectionId: string,
    @Body() body: unknown,
  ) {
    return this.report(p, 'connection.heartbeat', checkDeviceId(deviceId), connectionId, body);
  }

  @Delete(':connectionId')
  @HttpCode(200)
  @ApiOperation({ summary: 'The connection closed: connection.closed (optionally with expected_disconnect)' })
  @ApiResponse({ status: 200, type: ConnectionAckDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, ...BODY_ERRORS, SessionErrorCode.OccurredAtInFuture)
  close(
    @CurrentPrincipal() p: Principal,
    @Param('deviceId') deviceId: string,
    @Param('connectionId') connectionId: string,
    @Body() body: unknown,
  ) {
    return this.report(p, 'connection.closed', checkDeviceId(deviceId), connectionId, body);
  }

  private async report(
    principal: Principal,
    type: ConnectionEventType,
    deviceId: string,
    connectionId: string | undefined,
    body: unknown,
  ) {
    const fields =
      body === undefined || body === null || (isPlainObject(body) && !Object.keys(body).length) ? {} : body;
    if (!isPlainObject(fields))
      throw new RequestException(RequestErrorCode.ValidationFailed, 'the body must be a JSON object');
    const { event_id, occurred_at, ...data } = fields;
    const [result] = (
      await this.ingest.execute(principal, [
        {
          event_id,
          occurred_at,
          type,
          data: { ...data, device_id: deviceId, ...(connectionId ? { connection_id: connectionId } : {}) },
        },
      ])
    ).results;
    if (result.status === 'rejected') throw new ErrorReply({ statusCode: 400, ...result.error! });
    return { event_id: result.event_id, status: result.status, device_id: deviceId };
  }
}
