import { ApiProperty } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { IsCustomData } from '@cobrowse/contracts';

export class PatchSessionBodyDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Shallow merge into custom_data: strings, numbers, booleans; null deletes a key',
  })
  @IsDefined()
  @IsCustomData(true)
  custom_data!: Record<string, string | number | boolean | null>;
}

export class MetadataResponseDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: object;
  @ApiProperty() version!: number;
}

export class CustomDataResponseDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) custom_data!: object;
  @ApiProperty() version!: number;
}
