import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { SESSION_EVENT_TYPES } from '@cobrowse/contracts';

export const MAX_BATCH_EVENTS = 500;

/** One reported fact in a batch; `data` is validated per type, each item on its own. */
export class BatchEventDto {
  @ApiPropertyOptional({ description: 'Idempotency key; generated (and returned) when absent' })
  event_id?: string;
  @ApiProperty({ enum: SESSION_EVENT_TYPES }) type!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Required except for session.created' })
  session_id?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }] })
  occurred_at?: number | string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class IngestBatchBodyDto {
  @ApiProperty({ type: [BatchEventDto], minItems: 1, maxItems: MAX_BATCH_EVENTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_EVENTS)
  events!: unknown[];
}

export class BatchResultDto {
  @ApiProperty() event_id!: string;
  @ApiPropertyOptional({ format: 'uuid' }) session_id?: string;
  @ApiProperty({ enum: ['accepted', 'duplicate', 'rejected'] }) status!: string;
  @ApiPropertyOptional() version?: number;
  @ApiPropertyOptional({
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  })
  error?: { code: string; message: string; details?: unknown[] };
}

export class IngestBatchResponseDto {
  @ApiProperty({ type: [BatchResultDto] }) results!: BatchResultDto[];
}
