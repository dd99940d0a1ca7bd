import { useEffect, useState } from 'preact/hooks';
import { signIn, signOut, storedKey, type Auth } from './auth';
import { useRoute } from './router';
import { SignIn } from './sign-in';
import { SessionsView } from './sessions/sessions-view';
import { SessionDetail } from './sessions/session-detail';
import { DevicesView } from './devices/devices-view';
import { WebhooksView } from './webhooks/webhooks-view';

export function App() {
  const [auth, setAuth] = useState<Auth | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const route = useRoute();

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    signIn(key)
      .then(setAuth, () => signOut())
      .finally(() => setRestoring(false));
  }, []);

  if (restoring) return <main aria-busy="true">Signing in…</main>;
  if (!auth) return <SignIn onSignedIn={setAuth} />;

  const current = (view: string) => (route.view.startsWith(view) ? 'page' : undefined);
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
          <a href="#/webhooks" aria-current={current('webhooks')}>
            Webhooks
          </a>
        </nav>
        <div class="who">
          <span>{auth.isAdmin ? 'Admin key' : 'Read-only key'}</span>
          <button
            class="secondary"
            type="button"
            onClick={() => {
              signOut();
              setAuth(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main>
        {route.view === 'sessions' && <SessionsView auth={auth} />}
        {route.view === 'session' && <SessionDetail auth={auth} id={route.id} />}
        {route.view === 'devices' && <DevicesView auth={auth} />}
        {route.view === 'webhooks' && <WebhooksView auth={auth} />}
      </main>
    </>
  );
}
