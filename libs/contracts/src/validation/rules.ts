import { registerDecorator, type ValidationOptions } from 'class-validator';
import { quote } from '../errors/error-body';
import { jsonDepth, MAX_METADATA_DEPTH } from './json-shape';

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

/** Keys that would reach an object's prototype when assigned. */
const RESERVED_KEYS = new Set(['__proto__']);

/**
 * Top-level keys of metadata and custom data that are refused (SPEC section 6): containing
 * "." or NUL, starting with "$" (MongoDB field names), empty, or `__proto__`.
 */
export function badKeys(value: Record<string, unknown>): string[] {
  return Object.getOwnPropertyNames(value).filter(
    (k) => k.includes('.') || k.includes('\0') || k.startsWith('$') || k.length === 0 || RESERVED_KEYS.has(k),
  );
}

/** A few of the offending keys, quoted and cut, for a message that stays small. */
function listKeys(keys: string[]): string {
  const shown = keys.slice(0, 3).map((k) => quote(k));
  return keys.length > 3 ? `${shown.join(', ')} and ${keys.length - 3} more` : shown.join(', ');
}

const BAD_KEYS_MESSAGE = 'has keys that are empty, contain "." or NUL, start with "$" or are __proto__';

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

/**
 * Metadata: any JSON object whose top-level keys pass `badKeys`, nesting at most
 * MAX_METADATA_DEPTH levels below the top (its size is checked after the merge: 413).
 */
export function IsMetadataObject(options?: ValidationOptions) {
  return objectRule(
    'isMetadataObject',
    (value) => {
      const bad = badKeys(value);
      if (bad.length) return `${BAD_KEYS_MESSAGE}: ${listKeys(bad)}`;
      if (jsonDepth(value, MAX_METADATA_DEPTH + 1) - 1 > MAX_METADATA_DEPTH)
        return `nests deeper than ${MAX_METADATA_DEPTH} levels below the top`;
      return null;
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
      if (bad.length) return `${BAD_KEYS_MESSAGE}: ${listKeys(bad)}`;
      const wrong = Object.entries(value)
        .filter(([, v]) => !(['string', 'number', 'boolean'].includes(typeof v) || (allowNull && v === null)))
        .map(([k]) => k);
      return wrong.length ? `values must be strings, numbers or booleans: ${listKeys(wrong)}` : null;
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

/** Timestamps are within the years 1970-9999 (SPEC section 9). */
export const MIN_TIMESTAMP_MS = 0;
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A calendar date and time that really exists (no 30 February, no hour 24), as epoch ms; UTC unless an offset is given. */
function parseIsoDate(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** Epoch ms (a number or a string of digits), or a strict ISO 8601 date; null outside 1970-9999 or when not a real date. */
export function parseTimestamp(value: unknown): number | null {
  let ms: number | null = null;
  if (typeof value === 'number') ms = Number.isSafeInteger(value) ? value : null;
  else if (typeof value === 'string' && value.length <= 40) {
    ms = /^\d{1,16}$/.test(value) ? Number(value) : parseIsoDate(value);
  }
  return ms !== null && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : null;
}

/** The message for a timestamp parseTimestamp refuses. */
export const TIMESTAMP_MESSAGE = 'must be epoch milliseconds or an ISO 8601 date within the years 1970-9999';

export function IsTimestamp(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimestamp',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value) => parseTimestamp(value) !== null,
        defaultMessage: (args) => `${args?.property} ${TIMESTAMP_MESSAGE}`,
      },
    });
}
