import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EVENT_ID_PATTERN, IsTimestamp } from '@cobrowse/contracts';

/** Fields every single-event ingest body may carry. */
export class ReportedEventFieldsDto {
  @ApiPropertyOptional({
    description: 'Idempotency key (1..128 printable characters); a UUID is generated if absent.',
  })
  @IsOptional()
  @IsString()
  @Matches(EVENT_ID_PATTERN, { message: 'event_id must be 1..128 printable ASCII characters without spaces' })
  event_id?: string;

  @ApiPropertyOptional({
    description: 'When it happened on the device or agent side: epoch ms or ISO 8601. Defaults to now.',
    oneOf: [{ type: 'integer' }, { type: 'string', format: 'date-time' }],
  })
  @IsOptional()
  @IsTimestamp()
  occurred_at?: number | string;
}
