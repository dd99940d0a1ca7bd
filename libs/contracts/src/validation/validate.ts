import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface FieldIssue {
  field: string;
  message: string;
}

function flatten(errors: ValidationError[], prefix: string): FieldIssue[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const messages = Object.values(e.constraints ?? {});
    const own = messages.length ? [{ field, message: messages.join('; ') }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function toFieldIssues(errors: ValidationError[], prefix = ''): FieldIssue[] {
  return flatten(errors, prefix);
}

/** Validates a plain value against a DTO class; returns the instance or the field issues. */
export function validatePlain<T extends object>(
  cls: ClassConstructor<T>,
  plain: unknown,
  prefix = '',
): { value: T; issues: [] } | { value: null; issues: FieldIssue[] } {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { value: null, issues: [{ field: prefix || '(body)', message: 'must be a JSON object' }] };
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance as object, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) return { value: null, issues: toFieldIssues(errors, prefix) };
  return { value: instance, issues: [] };
}
