import { useEffect, useState } from 'preact/hooks';

export type Route =
  { view: 'sessions' } | { view: 'session'; id: string } | { view: 'devices' } | { view: 'webhooks' };

export function parseRoute(hash: string): Route {
  const [, view, id] = hash.replace(/^#/, '').split('/');
  if (view === 'sessions' && id) return { view: 'session', id: decodeURIComponent(id) };
  if (view === 'devices') return { view: 'devices' };
  if (view === 'webhooks') return { view: 'webhooks' };
  return { view: 'sessions' };
}

/** The route in the URL's hash: links work, the back button works, nothing needs server routing. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
