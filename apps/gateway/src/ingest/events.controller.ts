import { AuthErrorCode } from '@cobrowse/contracts';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { Principal } from '../auth/principal';
import { IngestBatchBodyDto, IngestBatchResponseDto } from './dto/ingest-batch.dto';
import { IngestBatchUseCase } from './ingest-batch.usecase';
import { ApiErrors, BODY_ERRORS } from '../docs/api-errors.decorator';

@ApiTags('ingest')
@ApiBearerAuth()
@RequireScope('ingest')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingestBatch: IngestBatchUseCase) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report 1..500 facts of any sessions at once',
    description:
      'Each event gets a result in request order: accepted (with its version), duplicate (its event_id was ' +
      'applied before) or rejected (with an error code); a bad event rejects only itself.',
  })
  @ApiResponse({ status: 200, type: IngestBatchResponseDto })
  @ApiErrors(AuthErrorCode.PolicyForbids, ...BODY_ERRORS)
  ingest(@CurrentPrincipal() principal: Principal, @Body() body: IngestBatchBodyDto) {
    return this.ingestBatch.execute(principal, body.events);
  }
}
