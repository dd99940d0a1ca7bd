import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';

/** OpenAPI description of the shared session filters (parsed by parseSessionQuery). */
export function ApiSessionFilters(options: { paging: boolean }) {
  const time = (name: string, description: string) =>
    ApiQuery({ name, required: false, description: `${description}; ISO 8601 or epoch ms`, type: String });
  return applyDecorators(
    ApiQuery({
      name: 'state',
      required: false,
      description: 'pending, active, ended; repeat or comma-separate',
      type: String,
    }),
    ApiQuery({
      name: 'filter_{key}',
      required: false,
      description: 'equality on custom_data.<key>, compared as a string (e.g. filter_tier=gold)',
      type: String,
    }),
    ApiQuery({ name: 'device_id', required: false, type: String }),
    ApiQuery({ name: 'agent_id', required: false, type: String }),
    ApiQuery({ name: 'token', required: false, type: String }),
    time('created_after', 'created_at ≥'),
    time('created_before', 'created_at <'),
    time('activated_after', 'activated_at ≥'),
    time('activated_before', 'activated_at <'),
    time('ended_after', 'ended_at ≥'),
    time('ended_before', 'ended_at <'),
    ApiQuery({
      name: 'tags',
      required: false,
      type: String,
      description: 'tag expression: "," OR, "+" AND, "@" SUBSET, parentheses; untagged sessions always match',
    }),
    ...(options.paging
      ? [
          ApiQuery({ name: 'limit', required: false, type: Number, description: '1..1000, default 50' }),
          ApiQuery({
            name: 'cursor',
            required: false,
            type: String,
            description: 'next_cursor of the previous page',
          }),
        ]
      : []),
  );
}
