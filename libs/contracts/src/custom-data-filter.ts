/**
 * `filter_<key>=<value>` (SPEC section 5): a stored custom data value matches when it reads as
 * that string — `3` matches 3 and "3", `true` matches true; objects, arrays and null never do.
 * The one definition for lists, counts, exports, devices and live streams.
 */
export function customDataMatches(stored: unknown, value: string): boolean {
  if (typeof stored === 'string') return stored === value;
  if (typeof stored === 'number') return Number.isFinite(stored) && String(stored) === value;
  if (typeof stored === 'boolean') return String(stored) === value;
  return false;
}

/** Whether custom data matches every `filter_<key>` of a query. */
export function matchesCustomData(data: Record<string, unknown>, wanted: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(wanted))
    if (!Object.hasOwn(data, key) || !customDataMatches(data[key], value)) return false;
  return true;
}
