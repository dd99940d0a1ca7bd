import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { END_REASONS, type EndReason, type JsonObject } from '../events';
import { IsCustomData, IsMetadataObject, IsPageUrl, SUBJECT_TOKEN_PATTERN, TAG_PATTERN } from './rules';

export class DeviceInfoDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) device_locale?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) os_version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) os_api_level?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) app_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) app_name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) app_version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) app_build?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) sdk_version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) platform?: string;
}

export class AgentDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(128) id!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(320) email?: string;
}

export class SessionCreatedDataDto {
  @ApiProperty({ description: 'The device (browser or app install) being co-browsed.' })
  @IsString()
  @Matches(SUBJECT_TOKEN_PATTERN, {
    message: 'device_id must be 1..128 characters without white space, ".", "*" or ">"',
  })
  device_id!: string;

  @ApiPropertyOptional({ type: DeviceInfoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeviceInfoDto)
  device?: DeviceInfoDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsCustomData(false)
  custom_data?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsMetadataObject()
  metadata?: JsonObject;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(TAG_PATTERN, {
    each: true,
    message: 'each tag must be 1..128 characters without white space , + @ ( )',
  })
  tags?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) start_url?: string;
}

export class SessionActivatedDataDto {
  @ApiProperty({ type: AgentDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AgentDto)
  agent!: AgentDto;
}

export class PageEnteredDataDto {
  @ApiProperty({ example: 'https://shop.example.com/checkout' }) @IsPageUrl() url!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1024) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) connection_id?: string;
}

export class SessionDeactivatedDataDto {
  @ApiPropertyOptional({ enum: END_REASONS, default: 'api' })
  @IsOptional()
  @IsIn(END_REASONS)
  reason?: EndReason;
}

export class MetadataUpdatedDataDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsMetadataObject()
  metadata?: JsonObject;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsCustomData(true)
  custom_data?: Record<string, string | number | boolean | null>;
}
