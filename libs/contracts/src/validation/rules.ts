import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Safe inside a NATS subject token and a header value: no dots, wildcards, white space. */
export const SUBJECT_TOKEN_PATTERN = /^[^\s.*>]{1,128}$/;
/** Printable ASCII without spaces: safe as an idempotency header value. */
export const EVENT_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** Tag names: any characters except , + @ ( ) and white space. */
export const TAG_PATTERN = /^[^\s,+@()]{1,128}$/;
export const MAX_DOCUMENT_BYTES = 10 * 1024;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Keys MongoDB cannot store as field names (SPEC section 6), and ones that would reach object prototypes. */
export function badKeys(value: Record<string, unknown>): string[] {
  return Object.getOwnPropertyNames(value).filter(
    (k) => k.includes('.') || k.startsWith('$') || k.length === 0 || RESERVED_KEYS.has(k),
  );
}

/** Absolute http(s) URL, another scheme's URI (app://…), or an app route starting with "/". */
export function isPageUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) return false;
  if (value.startsWith('/')) return !/\s/.test(value);
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname.length > 0;
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol);
  } catch {
    return false;
  }
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

function objectRule(
  name: string,
  check: (value: Record<string, unknown>) => string | null,
  options?: ValidationOptions,
) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown) {
          return isPlainObject(value) && check(value) === null;
        },
        defaultMessage(args) {
          const value = args?.value;
          if (!isPlainObject(value)) return `${args?.property} must be a JSON object`;
          return `${args?.property} ${check(value)}`;
        },
      },
    });
}

/** A JSON object whose keys MongoDB can store (its size is checked after the merge: 413). */
export function IsMetadataObject(options?: ValidationOptions) {
  return objectRule(
    'isMetadataObject',
    (value) => {
      const bad = badKeys(value);
      return bad.length
        ? `has keys that are empty, contain "." or start with "$" (or are reserved): ${bad.join(', ')}`
        : null;
    },
    options,
  );
}

/** custom_data: values are strings, numbers or booleans (null too, in a patch). */
export function IsCustomData(allowNull: boolean, options?: ValidationOptions) {
  return objectRule(
    'isCustomData',
    (value) => {
      const bad = badKeys(value);
      if (bad.length)
        return `has keys that are empty, contain "." or start with "$" (or are reserved): ${bad.join(', ')}`;
      const wrong = Object.entries(value)
        .filter(([, v]) => !(['string', 'number', 'boolean'].includes(typeof v) || (allowNull && v === null)))
        .map(([k]) => k);
      return wrong.length ? `values must be strings, numbers or booleans: ${wrong.join(', ')}` : null;
    },
    options,
  );
}

export function IsPageUrl(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPageUrl',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: isPageUrl,
        defaultMessage: (args) => `${args?.property} must be an absolute http(s) URL or an app route`,
      },
    });
}

/** Epoch ms, or an ISO 8601 date string. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+$/.test(value)) return parseTimestamp(Number(value));
    if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

export function IsTimestamp(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value) => parseTimestamp(value) !== null,
        defaultMessage: (args) => `${args?.property} must be epoch milliseconds or an ISO 8601 date`,
      },
    });
}
