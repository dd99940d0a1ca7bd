import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  RequestErrorCode,
  RequestException,
  EVENT_ID_PATTERN,
  isPlainObject,
  validatePlain,
  MetadataUpdatedDataDto,
  type JsonObject,
  SessionErrorCode,
} from '@cobrowse/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { SessionIdPipe } from '../sessions/session-id.pipe';
import { CustomDataResponseDto, MetadataResponseDto, PatchSessionBodyDto } from './dto/patch-bodies.dto';
import { parseIfMatch } from './if-match';
import { UpdateSessionDataUseCase } from './update-session-data.usecase';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';

@ApiTags('sessions')
@ApiBearerAuth()
@ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the version you read; 412 VERSION_MISMATCH if stale',
})
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'makes a retried PATCH apply once' })
@RequireScope('admin')
@Controller('v1/sessions')
export class SessionDataController {
  constructor(private readonly update: UpdateSessionDataUseCase) {}

  @Patch(':id/metadata')
  @ApiOperation({
    summary: 'Shallow-merge metadata: present keys overwrite, null deletes, nested objects are replaced',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiResponse({ status: 200, type: MetadataResponseDto })
  @ApiErrors(
    ...BODY_ERRORS,
    SessionErrorCode.SessionNotFound,
    SessionErrorCode.VersionMismatch,
    SessionErrorCode.MetadataTooLarge,
  )
  async patchMetadata(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ metadata: JsonObject; version: number }> {
    if (!isPlainObject(body))
      throw new RequestException(RequestErrorCode.ValidationFailed, 'the body must be a JSON object');
    const checked = validatePlain(MetadataUpdatedDataDto, { metadata: body });
    if (!checked.value) {
      throw new RequestException(
        RequestErrorCode.ValidationFailed,
        checked.issues[0].message,
        checked.issues,
      );
    }
    const session = await this.update.execute({
      principal,
      sessionId: id,
      patch: { metadata: body as JsonObject },
      expectedVersion: parseIfMatch(ifMatch),
      eventId: eventIdFrom(idempotencyKey),
    });
    return { metadata: session.metadata, version: session.version };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Shallow-merge custom_data, the same way as metadata' })
  @ApiResponse({ status: 200, type: CustomDataResponseDto })
  @ApiErrors(
    ...BODY_ERRORS,
    SessionErrorCode.SessionNotFound,
    SessionErrorCode.VersionMismatch,
    SessionErrorCode.MetadataTooLarge,
  )
  async patchSession(
    @CurrentPrincipal() principal: Principal,
    @Param('id', SessionIdPipe) id: string,
    @Body() body: PatchSessionBodyDto,
    @Headers('if-match') ifMatch?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ custom_data: JsonObject; version: number }> {
    const session = await this.update.execute({
      principal,
      sessionId: id,
      patch: { custom_data: body.custom_data },
      expectedVersion: parseIfMatch(ifMatch),
      eventId: eventIdFrom(idempotencyKey),
    });
    return { custom_data: session.custom_data, version: session.version };
  }
}

function eventIdFrom(idempotencyKey: string | undefined): string | undefined {
  if (idempotencyKey === undefined) return undefined;
  if (!EVENT_ID_PATTERN.test(idempotencyKey)) {
    throw new RequestException(
      RequestErrorCode.ValidationFailed,
      'Idempotency-Key must be 1..128 printable characters',
    );
  }
  return idempotencyKey;
}
