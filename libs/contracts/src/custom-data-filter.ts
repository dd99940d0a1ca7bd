/**
 * `filter_<key>=<value>` (SPEC section 5): a stored custom data value matches when it reads as
 * that string — `3` matches 3 and "3", `true` matches true; objects, arrays and null never do.
 * The one definition for lists, counts, exports, devices and live streams.
 */
export function customDataMatches(stored: unknown, value: string): boolean {
  return customDataText(stored) === value;
}

/** The one string a stored custom data value matches as, or null when no filter matches it. */
export function customDataText(stored: unknown): string | null {
  if (typeof stored === 'string') return stored;
  if (typeof stored === 'number') return Number.isFinite(stored) ? String(stored) : null;
  if (typeof stored === 'boolean') return String(stored);
  return null;
}

/** Whether custom data matches every `filter_<key>` of a query. */
export function matchesCustomData(data: Record<string, unknown>, wanted: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(wanted))
    if (!Object.hasOwn(data, key) || !customDataMatches(data[key], value)) return false;
  return true;
}
