import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AgentDto,
  DeviceInfoDto,
  type AuditAction,
  type AuditRecord,
  type DeviceResource,
  type ErasureRecord,
  type Scope,
  type SessionResource,
  type TrustedIssuer,
  type WhoAmI,
} from '@cobrowse/contracts';

/** OpenAPI shapes of responses (requests are described by their validated DTOs). */
export class ErrorResponseDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'INVALID_TRANSITION' }) code!: string;
  @ApiProperty({ example: 'session is ended' }) message!: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) details?: unknown[];
}

class SessionAgentDto extends AgentDto {
  @ApiProperty({ format: 'date-time' }) joined_at!: string;
}

class SessionPageDto {
  @ApiProperty() url!: string;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ format: 'date-time' }) entered_at!: string;
  @ApiProperty() duration_seconds!: number;
}

export class ActorDto {
  @ApiProperty({ enum: ['key', 'agent'] }) type!: 'key' | 'agent';
  @ApiProperty({ required: false, description: 'an API key fingerprint (type key)' }) id?: string;
  @ApiProperty({ required: false, description: "the token's sub (type agent)" }) sub?: string;
  @ApiProperty({ required: false, nullable: true, description: "the token's name (type agent)" })
  name?: string | null;
}

export class SessionResourceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '519333886' }) token!: string;
  @ApiProperty({ enum: ['pending', 'active', 'ended'] }) state!: string;
  @ApiProperty({ enum: ['agent', 'device', 'timeout', 'api'], nullable: true }) end_reason!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) activated_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) ended_at!: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expires_at!: string | null;
  @ApiProperty({ description: 'Activation to end (or now); 0 if never activated' }) length_seconds!: number;
  @ApiProperty({ example: '01:10' }) formatted_length!: string;
  @ApiProperty() went_live!: boolean;
  @ApiProperty() device_id!: string;
  @ApiProperty({ type: DeviceInfoDto }) device!: DeviceInfoDto;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty({ nullable: true, type: String }) start_url!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_data!: object;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: object;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: [SessionAgentDto] }) agents!: SessionAgentDto[];
  @ApiProperty({ type: [SessionPageDto] }) pages!: SessionPageDto[];
  @ApiProperty({ description: 'Number of events in the session history' }) version!: number;
  @ApiProperty({ type: ActorDto, nullable: true, description: 'who activated it (SPEC section 12)' })
  activated_by!: ActorDto | null;
  @ApiProperty({ type: ActorDto, nullable: true, description: 'who ended it; null when the service did' })
  ended_by!: ActorDto | null;
  @ApiProperty({ type: ActorDto, nullable: true, description: 'who last changed metadata or custom data' })
  metadata_updated_by!: ActorDto | null;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionResourceDto] }) data!: SessionResourceDto[];
  @ApiProperty({ type: String, nullable: true, description: 'opaque; pass as cursor for the next page' })
  next_cursor!: string | null;
}

export class SessionCountDto {
  @ApiProperty() count!: number;
}

class EventEnvelopeDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ example: 'session.page-entered' }) type!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ format: 'uuid' }) session_id!: string;
  @ApiProperty({ description: 'epoch ms' }) occurred_at!: number;
  @ApiProperty({ description: 'epoch ms' }) recorded_at!: number;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: ActorDto, description: 'who caused it; absent when the service decided' })
  actor?: ActorDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: object;
}

export class SessionEventsDto {
  @ApiProperty({ type: [EventEnvelopeDto] }) data!: EventEnvelopeDto[];
}

class GenesysPageDto {
  @ApiProperty() url!: string;
  @ApiProperty({ description: 'epoch ms' }) enteredTimestamp!: number;
  @ApiProperty({ description: 'whole seconds' }) duration!: number;
}

export class GenesysHistoryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '519333886' }) sessionToken!: string;
  @ApiProperty({ example: 1369939707527 }) creationTime!: number;
  @ApiProperty({ nullable: true, type: Number }) activationTime!: number | null;
  @ApiProperty({ nullable: true, type: Number }) deactivationTime!: number | null;
  @ApiProperty({ type: [GenesysPageDto] }) pages!: GenesysPageDto[];
}

class DependencyHealthDto {
  @ApiProperty({ enum: ['up', 'down', 'not-used'] }) status!: string;
  @ApiPropertyOptional() error?: string;
}

class ServiceDependenciesDto {
  @ApiProperty({ type: DependencyHealthDto }) nats!: DependencyHealthDto;
  @ApiProperty({ type: DependencyHealthDto }) mongodb!: DependencyHealthDto;
}

class ConsumerLagDto {
  @ApiProperty() stream!: string;
  @ApiProperty() consumer!: string;
  @ApiProperty({ description: 'events in the log not yet delivered' }) pending!: number;
  @ApiProperty({ description: 'delivered, being applied' }) ack_pending!: number;
  @ApiProperty({ description: 'checkpoint: last stream sequence acknowledged' }) ack_floor!: number;
  @ApiProperty() last_seq!: number;
  @ApiProperty({ description: 'events parked on the dead-letter stream, not yet replayed' }) parked!: number;
}

class ServiceHealthDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiProperty({ type: ServiceDependenciesDto }) dependencies!: ServiceDependenciesDto;
  @ApiPropertyOptional({ type: [ConsumerLagDto] }) consumers?: ConsumerLagDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'counters: live_streams (gateway), retention sweeps and purged counts (projector, tracker)',
  })
  details?: Record<string, number | string | null>;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ServiceHealthDto' },
    description: 'gateway, session-lifecycle, connection-tracker, history-projector',
  })
  services!: Record<string, ServiceHealthDto>;
}

export const EXTRA_SCHEMAS = [ServiceHealthDto];

class ExpectedDisconnectResourceDto {
  @ApiProperty({ nullable: true, type: Number }) return_time_seconds!: number | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ nullable: true, type: String }) title!: string | null;
  @ApiProperty({ format: 'date-time' }) ts!: string;
}

class ConnectionResourceDto {
  @ApiProperty() unique_connection_id!: string;
  @ApiProperty({ nullable: true, type: String }) current_url!: string | null;
  @ApiProperty({ format: 'date-time' }) active_since!: string;
  @ApiProperty({ enum: ['active', 'disconnected'] }) status!: string;
  @ApiProperty() has_focus!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_focus_at!: string | null;
  @ApiProperty({ nullable: true, type: Number }) screen_width!: number | null;
  @ApiProperty({ nullable: true, type: Number }) screen_height!: number | null;
  @ApiProperty({ type: ExpectedDisconnectResourceDto, nullable: true })
  expected_disconnect!: ExpectedDisconnectResourceDto | null;
}

export class DeviceResourceDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) added_at!: string;
  @ApiProperty({ format: 'date-time' }) last_seen_at!: string;
  @ApiProperty() is_online!: boolean;
  @ApiProperty() is_in_session!: boolean;
  @ApiProperty({ nullable: true, type: String }) current_session_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) last_url!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) device!: object;
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_data!: object;
  @ApiProperty({ type: [ConnectionResourceDto] }) connections!: ConnectionResourceDto[];
  @ApiProperty({ format: 'date-time', description: 'last seen plus the tenant device TTL' })
  expires_at!: string;
}

export class DeviceListDto {
  @ApiProperty({ type: [DeviceResourceDto] }) data!: DeviceResourceDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class ConnectionAckDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ enum: ['accepted', 'duplicate'] }) status!: string;
  @ApiProperty() device_id!: string;
}

export class ErasureRecordDto {
  @ApiProperty() erasure_id!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() device_id!: string;
  @ApiProperty({ type: [String] }) session_ids!: string[];
  @ApiProperty({ description: 'fingerprint of the API key that asked (never the key), or agent:<sub>' })
  requested_by!: string;
  @ApiProperty({ format: 'date-time' }) erased_at!: string;
  @ApiProperty({ description: 'messages removed from the event log' }) log_messages_purged!: number;
  @ApiProperty({ description: "messages removed from the tenant's own copy of its events" })
  tenant_stream_messages_purged!: number;
  @ApiProperty({ description: 'parked copies of its events removed from the dead letters' })
  dead_letters_removed!: number;
  @ApiProperty({ description: 'sessions deleted from the sessions read model (rows and postings with them)' })
  read_model_sessions_deleted!: number;
  @ApiProperty({ description: 'whether the devices read model had the device' }) device_deleted!: boolean;
}

class JsonWebKeySetDto {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  keys!: Array<Record<string, unknown>>;
}

export class TrustedIssuerDto {
  @ApiProperty() name!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ description: 'the `iss` its tokens carry' }) issuer!: string;
  @ApiProperty({ description: 'the `aud` its tokens must name for this tenant' }) audience!: string;
  @ApiPropertyOptional({ type: JsonWebKeySetDto, description: 'uploaded public keys' })
  jwks?: JsonWebKeySetDto;
  @ApiPropertyOptional({ description: 'where the public keys are fetched from' }) jwks_url?: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class TrustedIssuerListDto {
  @ApiProperty({ type: [TrustedIssuerDto] }) data!: TrustedIssuerDto[];
}

export class AuditRecordDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({
    enum: [
      'retention.updated',
      'device.erased',
      'issuer.saved',
      'issuer.deleted',
      'webhook.created',
      'webhook.updated',
      'webhook.deleted',
      'webhook.secret-rotated',
      'webhook.replayed',
    ],
  })
  action!: AuditAction;
  @ApiProperty({ description: 'what it was taken on: an issuer name, a device or endpoint id, `retention`' })
  target!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'ids and settings, no personal data',
  })
  details?: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRecordDto] }) data!: AuditRecordDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

class SignedInAgentDto {
  @ApiProperty() sub!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ enum: ['agent', 'administrator'] }) role!: 'agent' | 'administrator';
}

class AccessPolicyDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'custom data key → the values a session may have',
  })
  custom_data!: Record<string, string[]>;
}

export class WhoAmIDto {
  @ApiProperty() tenant!: string;
  @ApiProperty({ enum: ['ingest', 'read', 'admin'], isArray: true }) scopes!: Scope[];
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ type: SignedInAgentDto, nullable: true }) agent!: SignedInAgentDto | null;
  @ApiProperty({ type: AccessPolicyDto, nullable: true }) policy!: AccessPolicyDto | null;
}

/**
 * Each response schema has exactly the fields of the contract type it documents: a field added
 * to or renamed in a contract does not compile here until its schema follows.
 */
type SameFields<Schema, Contract> = [keyof Schema] extends [keyof Contract]
  ? [keyof Contract] extends [keyof Schema]
    ? true
    : false
  : false;
export const SCHEMAS_MATCH_CONTRACTS: [
  SameFields<SessionResourceDto, SessionResource>,
  SameFields<DeviceResourceDto, DeviceResource>,
  SameFields<ErasureRecordDto, ErasureRecord>,
  SameFields<TrustedIssuerDto, TrustedIssuer>,
  SameFields<AuditRecordDto, AuditRecord>,
  SameFields<WhoAmIDto, WhoAmI>,
] = [true, true, true, true, true, true];
