import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { ConnectionEventType } from '../connection-events';
import { IsPageUrl, SUBJECT_TOKEN_PATTERN } from './rules';
import { validatePlain, type FieldIssue } from './validate';

const ID_MESSAGE = 'must be 1..128 characters without white space, ".", "*" or ">"';

export class ExpectedDisconnectDto {
  @ApiPropertyOptional({ description: 'extends the inactivity deadline by this many seconds' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  return_time_seconds?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) message?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) title?: string;
}

export class ConnectionIdsDto {
  @ApiProperty()
  @IsString()
  @Matches(SUBJECT_TOKEN_PATTERN, { message: `device_id ${ID_MESSAGE}` })
  device_id!: string;
  @ApiProperty()
  @IsString()
  @Matches(SUBJECT_TOKEN_PATTERN, { message: `connection_id ${ID_MESSAGE}` })
  connection_id!: string;
}

export class ConnectionOpenedDataDto extends ConnectionIdsDto {
  @ApiPropertyOptional() @IsOptional() @IsPageUrl() current_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() has_focus?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(100_000) screen_width?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(100_000) screen_height?: number;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() session_id?: string;
}

export class ConnectionHeartbeatDataDto extends ConnectionIdsDto {
  @ApiPropertyOptional() @IsOptional() @IsPageUrl() current_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() has_focus?: boolean;
}

export class ConnectionClosedDataDto extends ConnectionIdsDto {
  @ApiPropertyOptional({ type: ExpectedDisconnectDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExpectedDisconnectDto)
  expected_disconnect?: ExpectedDisconnectDto;
}

const DTO = {
  'connection.opened': ConnectionOpenedDataDto,
  'connection.heartbeat': ConnectionHeartbeatDataDto,
  'connection.closed': ConnectionClosedDataDto,
} as const;

export function validateConnectionData(
  type: ConnectionEventType,
  data: unknown,
): { data: Record<string, unknown>; issues: [] } | { data: null; issues: FieldIssue[] } {
  const result = validatePlain(DTO[type], data ?? {}, 'data');
  if (!result.value) return { data: null, issues: result.issues };
  return { data: JSON.parse(JSON.stringify(result.value)) as Record<string, unknown>, issues: [] };
}
