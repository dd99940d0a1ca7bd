import { useEffect, useState } from 'preact/hooks';
import { isJwt } from './auth';
import { describeError } from './format';

/** `message`: why the last sign-in ended (an expired token, say), shown until the next attempt. */
export function SignIn(props: { signIn: (credential: string) => Promise<void>; message: string | null }) {
  const [credential, setCredential] = useState('');
  const [error, setError] = useState<string | null>(props.message);
  const [busy, setBusy] = useState(false);
  useEffect(() => setError(props.message), [props.message]);
  const entered = credential.trim();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.signIn(entered);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <form class="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p>
          Use an API key of your tenant, or a sign-in token (a JWT) from your organisation's portal. It is
          kept in this tab only, until you sign out or close it.
        </p>
        <label for="api-key">API key or token</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          required
          value={credential}
          onInput={(e) => setCredential((e.target as HTMLInputElement).value)}
          aria-describedby={error ? 'sign-in-error credential-kind' : 'credential-kind'}
        />
        <p id="credential-kind" class="muted" aria-live="polite" data-testid="credential-kind">
          {entered
            ? isJwt(entered)
              ? 'This is a token: you sign in as its agent.'
              : 'This is an API key.'
            : ''}
        </p>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <p>
          <button type="submit" disabled={busy || !entered}>
            Sign in
          </button>
        </p>
      </form>
    </main>
  );
}
