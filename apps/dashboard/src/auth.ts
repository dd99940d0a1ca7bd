import { CobrowseClient, CobrowseError, type Credentials, type WhoAmI } from '@cobrowse/client';
import { splitHash } from './router';

const STORAGE_KEY = 'cobrowse.dashboard.credential';
/** Three base64url segments separated by dots, as the gateway tells a JWT from an API key. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `GET /v1/auth/me`: the tenant, scopes, actor and, for a token, the agent and its policy. */
export type Identity = WhoAmI;

/** A signed-in dashboard: the client for the credential, and who it is. */
export interface Auth {
  client: CobrowseClient;
  identity: Identity;
}

/**
 * What the page may offer: `admin` changes sessions (custom data, metadata, ending them),
 * `webhooks` manages endpoints — an admin whose token has no policy, as the gateway refuses
 * webhook management under one (POLICY_FORBIDS).
 */
export type Ability = 'admin' | 'webhooks';

export function can(identity: Identity, ability: Ability): boolean {
  const admin = identity.scopes.includes('admin');
  return ability === 'webhooks' ? admin && identity.policy === null : admin;
}

export function isJwt(credential: string): boolean {
  return JWT_SHAPE.test(credential);
}

/**
 * Asks the gateway who the API key or token is, and keeps it for this tab only. Once signed in,
 * any answer 401 (an expired token, a revoked key) calls `onRejected` with a sentence to show.
 */
export async function signIn(
  credential: string,
  onRejected: (auth: Auth, message: string) => void,
): Promise<Auth> {
  let auth: Auth | null = null;
  const watchingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401 && auth)
      onRejected(auth, rejection(credential, await errorOf(response.clone())));
    return response;
  };
  const credentials: Credentials = isJwt(credential) ? { token: credential } : { apiKey: credential };
  const client = new CobrowseClient({ url: location.origin, fetch: watchingFetch, ...credentials });
  const identity = await client.whoAmI().catch((error: unknown) => {
    throw refusal(credential, error);
  });
  auth = { client, identity };
  sessionStorage.setItem(STORAGE_KEY, credential);
  return auth;
}

export function storedCredential(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * A token handed over by the customer's portal in the URL's fragment — `#token=<jwt>`, or after
 * a route: `#/sessions/<id>&token=<jwt>` — taken out of the address bar and its history entry at
 * once. Fragments never reach a server; a token in a query string is never read.
 */
export function takeFragmentToken(): string | null {
  const { route, params } = splitHash(location.hash);
  const token = params.get('token');
  if (token === null) return null;
  params.delete('token');
  const hash = [route, params.toString()].filter(Boolean).join('&');
  history.replaceState(history.state, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
  return token.trim() || null;
}

/** Why `GET /v1/auth/me` refused the credential, as one sentence; other failures as they are. */
function refusal(credential: string, error: unknown): unknown {
  if (!(error instanceof CobrowseError)) return error;
  if (error.status === 401) return new Error(rejection(credential, error));
  if (error.status === 403)
    return new Error(
      isJwt(credential)
        ? "This token's role cannot read sessions."
        : 'This API key cannot read sessions (it needs the read or admin scope).',
    );
  return error;
}

async function errorOf(response: Response): Promise<CobrowseError> {
  return CobrowseError.fromBody(response.status, await response.json().catch(() => undefined));
}

const TOKEN_REJECTIONS: Record<string, string> = {
  TOKEN_EXPIRED: 'Your session token has expired — sign in again.',
  TOKEN_NOT_YET_VALID: 'This token is not valid yet — check the clock of the system that issued it.',
  UNTRUSTED_ISSUER: "This token's issuer is not trusted by your tenant — ask an administrator to add it.",
};

/** A 401 as one sentence: an API key is unknown or revoked; a token says why it was refused. */
function rejection(credential: string, error: CobrowseError): string {
  if (!isJwt(credential)) return 'This API key is not valid (unknown or revoked).';
  return TOKEN_REJECTIONS[error.code] ?? `This token was refused: ${error.message} (${error.code}).`;
}
