import { CobrowseClient, CobrowseError } from '@cobrowse/client';

const STORAGE_KEY = 'cobrowse.dashboard.apiKey';

/** A signed-in dashboard: the client for the key, and whether the key may change sessions. */
export interface Auth {
  client: CobrowseClient;
  isAdmin: boolean;
}

/** Checks the key against the gateway (it must read sessions), and keeps it for this tab only. */
export async function signIn(apiKey: string): Promise<Auth> {
  const client = new CobrowseClient({ url: location.origin, apiKey });
  try {
    await client.sessions.count({ state: 'active' });
  } catch (error) {
    if (error instanceof CobrowseError && error.status === 401) throw new Error('This API key is not valid.');
    if (error instanceof CobrowseError && error.status === 403)
      throw new Error('This API key cannot read sessions (it needs the read or admin scope).');
    throw error;
  }
  // Only admin keys may read the retention policy: that answers "may this key change sessions?".
  const isAdmin = await client.retention.get().then(
    () => true,
    () => false,
  );
  sessionStorage.setItem(STORAGE_KEY, apiKey);
  return { client, isAdmin };
}

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
