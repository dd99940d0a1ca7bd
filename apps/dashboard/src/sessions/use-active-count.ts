import { useEffect, useState } from 'preact/hooks';
import type { Auth } from '../auth';

const REFRESH_MS = 5_000;

/** The tenant's active sessions, always shown: read now, then every few seconds and on each start or end. */
export function useActiveCount(auth: Auth, live: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const refresh = () =>
      auth.client.sessions.count({ state: 'active' }).then(
        (n) => !stopped && setCount(n),
        () => undefined,
      );
    void refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    const subscription = live
      ? auth.client.sessions.subscribe({ types: ['session.activated', 'session.deactivated'] }, () => {
          // The projector applies the event a moment after the log has it.
          setTimeout(refresh, 500);
        })
      : null;
    return () => {
      stopped = true;
      clearInterval(timer);
      void subscription?.close();
    };
  }, [auth, live]);
  return count;
}
