import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { isPlainObject } from './rules';

export interface FieldIssue {
  field: string;
  message: string;
}

type DtoClass<T extends object = object> = new (...args: never[]) => T;

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

const declared = new Map<DtoClass, string[]>();

/** The properties a DTO class declares through its validation decorators (inherited ones too). */
function declaredProperties(cls: DtoClass): string[] {
  let names = declared.get(cls);
  if (!names) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    names = [...new Set(metadata.map((m) => m.propertyName))];
    declared.set(cls, names);
  }
  return names;
}

export function isDtoClass(value: unknown): value is DtoClass {
  return typeof value === 'function' && declaredProperties(value as DtoClass).length > 0;
}

/**
 * A DTO instance holding only the properties the class declares, nested DTOs converted by
 * their @Type(). Unlike class-transformer's plainToInstance it never walks into free-form
 * values (metadata, unknown keys), so the cost and the recursion depth depend on the DTO,
 * not on what a client sent.
 */
function toInstance<T extends object>(cls: DtoClass<T>, plain: Record<string, unknown>): T {
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  for (const key of declaredProperties(cls)) {
    if (!Object.prototype.hasOwnProperty.call(plain, key)) continue;
    const value = plain[key];
    const nested = defaultMetadataStorage.findTypeMetadata(cls, key)?.typeFunction() as DtoClass | undefined;
    instance[key] = nested ? toNested(nested, value) : value;
  }
  return instance as T;
}

function toNested(cls: DtoClass, value: unknown): unknown {
  if (isPlainObject(value)) return toInstance(cls, value);
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) ? toInstance(cls, item) : item));
  return value;
}

/** Validates a plain value against a DTO class; returns the instance (declared properties only) or the issues. */
export function validatePlain<T extends object>(
  cls: DtoClass<T>,
  plain: unknown,
  prefix = '',
): { value: T; issues: [] } | { value: null; issues: FieldIssue[] } {
  if (!isPlainObject(plain)) {
    return { value: null, issues: [{ field: prefix || '(body)', message: 'must be a JSON object' }] };
  }
  const instance = toInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length) return { value: null, issues: toFieldIssues(errors, prefix) };
  return { value: instance, issues: [] };
}
