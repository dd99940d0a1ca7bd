import type { SessionSnapshot } from '@cobrowse/contracts';

/**
 * Which of a batch's snapshots go out whole: each session's last. The steps before it are
 * announced slim (no pages or metadata, marked truncated), so a burst of one session's events
 * costs one whole snapshot, not one per event: 500 pages of a session at once were 500
 * snapshots of up to 500 pages each, ~230 MB of JSON published for under 1 MB of pages.
 */
export function wholeSnapshots(changed: readonly SessionSnapshot[]): boolean[] {
  const last = new Map<string, number>();
  changed.forEach((session, i) => last.set(`${session.tenant}/${session.id}`, i));
  return changed.map((session, i) => last.get(`${session.tenant}/${session.id}`) === i);
}
