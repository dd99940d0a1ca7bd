import { useEffect, useState } from 'preact/hooks';

export type Route =
  { view: 'sessions' } | { view: 'session'; id: string } | { view: 'devices' } | { view: 'webhooks' };

/**
 * The URL's hash: a route (`/sessions/<id>`), then `&`-separated parameters — only `token`, a
 * sign-in token from the customer's portal (auth.ts), which is taken out at once. `#token=<jwt>`
 * has no route; the ids in routes are URI-encoded, so an `&` never belongs to a route.
 */
export function splitHash(hash: string): { route: string; params: URLSearchParams } {
  const parts = hash.replace(/^#/, '').split('&');
  const route = parts[0].startsWith('/') ? parts.shift()! : '';
  return { route, params: new URLSearchParams(parts.join('&')) };
}

export function parseRoute(hash: string): Route {
  const [, view, id] = splitHash(hash).route.split('/');
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
