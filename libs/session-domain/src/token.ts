import { randomInt } from 'node:crypto';

/** 9 random digits, uniformly drawn (leading zeros allowed). */
export function generateSessionToken(): string {
  return String(randomInt(0, 1_000_000_000)).padStart(9, '0');
}

export function isSessionToken(value: unknown): value is string {
  return typeof value === 'string' && /^\d{9}$/.test(value);
}
