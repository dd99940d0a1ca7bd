import type { ClassConstructor } from 'class-transformer';
import type { SessionEventType } from '../events';
import {
  MetadataUpdatedDataDto,
  PageEnteredDataDto,
  SessionActivatedDataDto,
  SessionCreatedDataDto,
  SessionDeactivatedDataDto,
} from './event-data.dto';
import { validatePlain, type FieldIssue } from './validate';
import { isPlainObject, jsonBytes, MAX_DOCUMENT_BYTES } from './rules';

const DATA_DTO: Record<SessionEventType, ClassConstructor<object>> = {
  'session.created': SessionCreatedDataDto,
  'session.activated': SessionActivatedDataDto,
  'session.page-entered': PageEnteredDataDto,
  'session.deactivated': SessionDeactivatedDataDto,
  'session.metadata-updated': MetadataUpdatedDataDto,
};

/** Validates and strips a session event's `data`; unknown keys are dropped. */
export function validateEventData(
  type: SessionEventType,
  data: unknown,
): { data: Record<string, unknown>; issues: [] } | { data: null; issues: FieldIssue[] } {
  const result = validatePlain(DATA_DTO[type], data ?? {}, 'data');
  if (!result.value) return { data: null, issues: result.issues };
  const clean = JSON.parse(JSON.stringify(result.value)) as Record<string, unknown>;
  if (
    type === 'session.metadata-updated' &&
    clean.metadata === undefined &&
    clean.custom_data === undefined
  ) {
    return { data: null, issues: [{ field: 'data', message: 'metadata or custom_data is required' }] };
  }
  if (type === 'session.deactivated' && clean.reason === undefined) clean.reason = 'api';
  return { data: clean, issues: [] };
}

export { isPlainObject, jsonBytes, MAX_DOCUMENT_BYTES };
