import type { SessionSnapshot } from '@cobrowse/contracts';

type Timed = Pick<SessionSnapshot, 'activated_at' | 'ended_at' | 'pages'>;

/**
 * Whole seconds each page was viewed while the session was live: from
 * max(entered, activation) to the next page's entry, or to the end (or `now` while
 * the session is open); floored, never negative; 0 for all if never activated.
 */
export function pageDurations(session: Timed, now: number): number[] {
  const { activated_at: activatedAt, pages } = session;
  if (activatedAt === null) return pages.map(() => 0);
  const end = session.ended_at ?? now;
  return pages.map((page, i) => {
    const from = Math.max(page.entered_at, activatedAt);
    const to = i + 1 < pages.length ? pages[i + 1].entered_at : end;
    return Math.max(0, Math.floor((to - from) / 1000));
  });
}

/** Activation to end (or now), 0 if never activated. */
export function lengthSeconds(
  session: Pick<SessionSnapshot, 'activated_at' | 'ended_at'>,
  now: number,
): number {
  if (session.activated_at === null) return 0;
  const end = session.ended_at ?? now;
  return Math.max(0, Math.floor((end - session.activated_at) / 1000));
}

/** "01:10" below an hour, "1:02:03" from an hour on. */
export function formatLength(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}
