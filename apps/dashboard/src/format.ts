/** A resource timestamp in the reader's locale, or an em dash. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** An error as one sentence for the page. */
export function describeError(error: unknown): string {
  const e = error as { status?: number; code?: string; message?: string };
  if (e && typeof e.code === 'string') return `${e.message} (${e.code})`;
  return String((error as Error)?.message ?? error);
}

/** `datetime-local` input value → ISO 8601, or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  return value ? new Date(value).toISOString() : undefined;
}
