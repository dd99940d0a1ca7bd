import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shape only: the projector checks the body (it knows the cap from the log's age limit). */
export class RetentionPolicyDto {
  @ApiProperty({
    example: 1209600,
    description: 'seconds an ended session is kept after the service recorded its end (default 14 days)',
  })
  ended_session_ttl_seconds!: number;

  @ApiProperty({
    example: 2592000,
    description: 'seconds a device is kept after it was last seen (default 30 days)',
  })
  device_ttl_seconds!: number;
}
