import type { Actor } from '@cobrowse/client';

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

/** Who did something: an agent by name (or sub), an API key by the start of its fingerprint (never the key). */
export function describeActor(actor: Actor): string {
  return actor.type === 'agent' ? `${actor.name ?? actor.sub} (agent)` : `key ${actor.id.slice(0, 6)}…`;
}
