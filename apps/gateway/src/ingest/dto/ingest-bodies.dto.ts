import { ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import {
  PageEnteredDataDto,
  SessionActivatedDataDto,
  SessionCreatedDataDto,
  SessionDeactivatedDataDto,
} from '@cobrowse/contracts';
import { ReportedEventFieldsDto } from './reported-event-fields.dto';

export class CreateSessionBodyDto extends IntersectionType(ReportedEventFieldsDto, SessionCreatedDataDto) {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Generated when absent (derived from event_id when one is given, so retries land on the same session).',
  })
  @IsOptional()
  @IsUUID('all', { message: 'session_id must be a UUID' })
  session_id?: string;
}

/** `agent` may be left out when an agent signs in with a token: the token names it. */
export class ActivateSessionBodyDto extends IntersectionType(
  ReportedEventFieldsDto,
  PartialType(SessionActivatedDataDto),
) {}

export class EnterPageBodyDto extends IntersectionType(ReportedEventFieldsDto, PageEnteredDataDto) {}

export class DeactivateSessionBodyDto extends IntersectionType(
  ReportedEventFieldsDto,
  SessionDeactivatedDataDto,
) {}
