import { useEffect, useRef, useState } from 'preact/hooks';
import { can, signIn, signOut, takeFragmentToken, type Auth, type Identity } from './auth';
import { describeError } from './format';
import { useRoute } from './router';
import { SignIn } from './sign-in';
import { SessionsView } from './sessions/sessions-view';
import { SessionDetail } from './sessions/session-detail';
import { DevicesView } from './devices/devices-view';
import { WebhooksView } from './webhooks/webhooks-view';

/** `credential`: a portal's token from the URL's fragment, or the one this tab signed in with. */
export function App({ credential }: { credential: string | null }) {
  const [auth, setAuth] = useState<Auth | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(credential !== null);
  const route = useRoute();
  const shown = useRef<Auth | null>(null);
  shown.current = auth;

  const leave = (text: string | null) => {
    signOut();
    setAuth(null);
    setMessage(text);
  };
  // A 401 of the credential shown signs out, saying why; one of a replaced credential is ignored.
  const enter = async (next: string) => {
    setAuth(await signIn(next, (from, text) => shown.current === from && leave(text)));
    setMessage(null);
  };

  useEffect(() => {
    if (credential)
      enter(credential)
        .catch((e) => leave(describeError(e)))
        .finally(() => setRestoring(false));
    // The portal may hand over a new token while the page is open.
    const onHashChange = () => {
      const token = takeFragmentToken();
      if (token) enter(token).catch((e) => leave(describeError(e)));
    };
    addEventListener('hashchange', onHashChange);
    return () => removeEventListener('hashchange', onHashChange);
  }, []);

  if (restoring) return <main aria-busy="true">Signing in…</main>;
  if (!auth) return <SignIn signIn={enter} message={message} />;

  const current = (view: string) => (route.view.startsWith(view) ? 'page' : undefined);
  const webhooks = can(auth.identity, 'webhooks');
  return (
    <>
      <header class="top">
        <h1>Co-browse sessions</h1>
        <nav aria-label="Views">
          <a href="#/sessions" aria-current={current('session')}>
            Sessions
          </a>
          <a href="#/devices" aria-current={current('devices')}>
            Devices
          </a>
          {webhooks && (
            <a
              href="#/webhooks"
              aria-current={current('webhooks')}
              data-testid="nav-webhooks"
              data-admin-only
            >
              Webhooks
            </a>
          )}
        </nav>
        <div class="who">
          <SignedInAs identity={auth.identity} />
          <button class="secondary" type="button" onClick={() => leave(null)}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        {route.view === 'sessions' && <SessionsView auth={auth} />}
        {route.view === 'session' && <SessionDetail auth={auth} id={route.id} />}
        {route.view === 'devices' && <DevicesView auth={auth} />}
        {route.view === 'webhooks' &&
          (webhooks ? (
            <WebhooksView auth={auth} />
          ) : (
            <section aria-labelledby="webhooks-title" data-testid="not-allowed">
              <h2 id="webhooks-title">Webhooks</h2>
              <p>
                Webhook endpoints are managed with an admin key, or by an administrator whose token has no
                policy.
              </p>
            </section>
          ))}
      </main>
    </>
  );
}

/** An agent by name (or sub) and role; an API key as admin or read-only; the tenant; a policy's limits. */
function SignedInAs({ identity }: { identity: Identity }) {
  const { agent, policy } = identity;
  const limits = policy
    ? Object.entries(policy.custom_data)
        .map(([key, values]) => `${key}: ${values.join(', ')}`)
        .join('; ')
    : null;
  return (
    <span>
      <span data-testid="signed-in-as" title={agent?.email ?? undefined}>
        {agent ? (agent.name ?? agent.sub) : can(identity, 'admin') ? 'Admin key' : 'Read-only key'}
      </span>
      {agent && <span data-testid="signed-in-role"> ({agent.role})</span>}
      <span data-testid="tenant"> · {identity.tenant}</span>
      {limits && (
        <span data-testid="policy" title={`Only sessions and devices with ${limits}`}>
          {' '}
          · limited view
        </span>
      )}
    </span>
  );
}
