import {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  parseTimestamp,
  QueryErrorCode,
  QueryException,
  quote,
  TIMESTAMP_MESSAGE,
  type FieldIssue,
} from '@cobrowse/contracts';
import { parseTagExpression, TagExpressionError } from '@cobrowse/session-domain';

export type RawQuery = Record<string, unknown>;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const FILTER_PREFIX = 'filter_';
/** A custom data key as `filter_<key>` names it: what metadata and custom data keys may be. */
// eslint-disable-next-line no-control-regex -- NUL is what it refuses
const CUSTOM_DATA_KEY = /^[^.$\u0000][^.\u0000]{0,127}$/;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/** SPEC section 9: a query parameter name or value with a control character is a 400. */
export function assertNoControlCharacters(raw: RawQuery): void {
  for (const [name, value] of Object.entries(raw)) {
    const values = Array.isArray(value) ? value : [value];
    if (hasControlCharacters(name) || values.some((v) => typeof v === 'string' && hasControlCharacters(v)))
      throw new QueryException(
        QueryErrorCode.InvalidQuery,
        `query parameter ${quote(name)} has a control character`,
        [{ field: name.slice(0, 64), message: 'control characters are not allowed' }],
      );
  }
}

/**
 * The one reader of query parameters (sessions, devices, live streams): each endpoint asks
 * for the parameters it takes, then `done()` refuses everything else and every bad value
 * at once with INVALID_QUERY (INVALID_TAG_EXPRESSION for a bad `tags`).
 */
export class QueryParams {
  private readonly issues: FieldIssue[] = [];
  private readonly read = new Set<string>();
  private tagError?: QueryException;

  constructor(private readonly raw: RawQuery) {
    assertNoControlCharacters(raw);
  }

  problem(field: string, message: string): void {
    this.issues.push({ field: field.slice(0, 64), message });
  }

  /** A parameter given at most once. */
  single(name: string): string | undefined {
    this.read.add(name);
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.problem(name, 'must be given once');
      return undefined;
    }
    return value;
  }

  /** Values given repeatedly or comma-separated, each one of `allowed`. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    this.read.add(name);
    const value = this.raw[name];
    if (value === undefined) return undefined;
    const items = (Array.isArray(value) ? value : [value])
      .flatMap((v) => String(v).split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const wrong = items.filter((v) => !(allowed as readonly string[]).includes(v));
    if (wrong.length || !items.length) {
      this.problem(name, `must be one or more of ${allowed.join(', ')}`);
      return undefined;
    }
    return [...new Set(items)] as T[];
  }

  /** Epoch ms or a strict ISO 8601 date within 1970-9999. */
  time(name: string): number | undefined {
    const value = this.single(name);
    if (value === undefined) return undefined;
    const ms = parseTimestamp(value);
    if (ms === null) this.problem(name, TIMESTAMP_MESSAGE);
    return ms ?? undefined;
  }

  flag(name: string): boolean | undefined {
    const value = this.single(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') this.problem(name, 'must be true or false');
    return value === 'true';
  }

  limit(): number {
    const value = this.single('limit');
    if (value === undefined) return DEFAULT_PAGE_LIMIT;
    const n = Number(value);
    if (!/^\d{1,4}$/.test(value) || n < 1 || n > MAX_PAGE_LIMIT) {
      this.problem('limit', `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
      return DEFAULT_PAGE_LIMIT;
    }
    return n;
  }

  /** An opaque cursor; the service that issued it checks it (INVALID_CURSOR). */
  cursor(): string | undefined {
    const value = this.single('cursor');
    if (value !== undefined && value.length > 1024)
      this.problem('cursor', 'is not one this service gave out');
    return value;
  }

  /** `filter_<key>=<value>`: custom data equality, compared as strings. */
  customData(): Record<string, string> | undefined {
    let filters: Record<string, string> | undefined;
    for (const name of Object.keys(this.raw).filter((n) => n.startsWith(FILTER_PREFIX))) {
      const key = name.slice(FILTER_PREFIX.length);
      const value = this.single(name);
      if (!CUSTOM_DATA_KEY.test(key))
        this.problem(name, 'must name a custom data key: 1..128 characters, no "." and no leading "$"');
      else if (value !== undefined && value.length > 1024)
        this.problem(name, 'is longer than 1024 characters');
      else if (value !== undefined) filters = Object.assign(filters ?? Object.create(null), { [key]: value });
    }
    return filters ? { ...filters } : undefined;
  }

  /** A tag expression (SPEC section 6), checked now so a bad one is refused before any work. */
  tags(): string | undefined {
    const value = this.single('tags');
    if (value === undefined) return undefined;
    try {
      parseTagExpression(value);
    } catch (e) {
      if (!(e instanceof TagExpressionError)) throw e;
      this.tagError = new QueryException(QueryErrorCode.InvalidTagExpression, e.message, [
        { field: 'tags', position: e.position },
      ]);
    }
    return value;
  }

  /** Refuses parameters nobody asked for and every problem found. */
  done(): void {
    for (const name of Object.keys(this.raw))
      if (!this.read.has(name)) this.problem(name, 'is not a query parameter of this endpoint');
    if (this.issues.length)
      throw new QueryException(
        QueryErrorCode.InvalidQuery,
        `${this.issues[0].field}: ${this.issues[0].message}`,
        this.issues,
      );
    if (this.tagError) throw this.tagError;
  }
}
