import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES } from '@cobrowse/contracts';

/** OpenAPI shapes only: `checkWebhookEndpoint` (libs/contracts) checks the body. */
export class WebhookEndpointSettingsDto {
  @ApiProperty({
    example: 'https://crm.example.com/cobrowse-hooks',
    description: 'https (http only where allowed)',
  })
  url!: string;

  @ApiPropertyOptional({ example: 'CRM sync' })
  description?: string;

  @ApiPropertyOptional({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    nullable: true,
    description: 'all when absent or null',
  })
  event_types?: string[] | null;

  @ApiPropertyOptional({
    example: { crm_id: '42' },
    nullable: true,
    description: "custom data a session must have (the list API's filter_<key> semantics)",
  })
  filter?: Record<string, string> | null;

  @ApiPropertyOptional({ default: true })
  enabled?: boolean;

  @ApiPropertyOptional({ example: 20, nullable: true, description: 'deliveries per second at most' })
  rate_limit?: number | null;

  @ApiPropertyOptional({ default: false, description: 'session events carry the session as of the event' })
  include_session?: boolean;
}

export class WebhookEndpointDto {
  @ApiProperty({ example: 'ep_6f1c0f0c2f5b4f6d8a9e0b1c' })
  id!: string;

  @ApiProperty({ example: 'https://crm.example.com/cobrowse-hooks' })
  url!: string;

  @ApiProperty({ example: 'CRM sync' })
  description!: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, nullable: true, description: 'null: all' })
  event_types!: string[] | null;

  @ApiProperty({ example: { crm_id: '42' }, nullable: true })
  filter!: Record<string, string> | null;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ example: 20, nullable: true })
  rate_limit!: number | null;

  @ApiProperty({ description: 'session events carry the session as of the event (data.session)' })
  include_session!: boolean;

  @ApiProperty({ nullable: true, example: null, description: 'why the service disabled it' })
  disabled_reason!: string | null;

  @ApiProperty({ nullable: true, example: null, description: 'since when every delivery failed' })
  failing_since!: string | null;

  @ApiProperty({ nullable: true, example: null, description: 'a replay under way: {since, until}' })
  replay!: { since: string; until: string } | null;

  @ApiProperty()
  created_at!: string;

  @ApiProperty()
  updated_at!: string;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'shown only now' })
  secret!: string;
}

export class WebhookEndpointListDto {
  @ApiProperty({ type: [WebhookEndpointDto] })
  data!: WebhookEndpointDto[];
}

export class WebhookTestDto {
  @ApiProperty({ example: 'msg_ep_6f1c0f0c2f5b4f6d8a9e0b1c_test_lq3k2' })
  webhook_id!: string;
}

export class WebhookAttemptDto {
  @ApiProperty({ description: 'its number (a cursor)' }) id!: string;
  @ApiProperty() webhook_id!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ nullable: true, description: "the event's log position" }) position!: number | null;
  @ApiProperty() attempt!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true }) status!: number | null;
  @ApiProperty({ nullable: true }) error!: string | null;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ description: 'at most 1 KB of the answer' }) response!: string;
  @ApiProperty({ nullable: true }) next_retry_at!: string | null;
}

export class WebhookAttemptListDto {
  @ApiProperty({ type: [WebhookAttemptDto] })
  data!: WebhookAttemptDto[];

  @ApiProperty({ nullable: true })
  next_cursor!: string | null;
}

export class WebhookReplayDto {
  @ApiProperty({ example: '2026-12-07T10:00:00Z', description: 'epoch ms or ISO 8601' })
  since!: string;

  @ApiPropertyOptional({ example: '2026-12-07T11:00:00Z', description: 'now when absent' })
  until?: string;
}
