import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WebhookAttempt, WebhookEndpoint, WebhookEventType } from '@cobrowse/client';
import type { Auth } from '../auth';
import { describeError, localInputToIso, when } from '../format';

const EVENT_TYPES: WebhookEventType[] = [
  'session.created',
  'session.activated',
  'session.page-entered',
  'session.deactivated',
  'session.metadata-updated',
  'connection.opened',
  'connection.heartbeat',
  'connection.closed',
];
/** Attempts shown for the selected endpoint (the service keeps the last 1,000). */
const ATTEMPTS_SHOWN = 50;

/**
 * The tenant's webhook endpoints: create, enable or disable, rotate, test, replay, and each one's
 * attempts. Shown only when `can(identity, 'webhooks')` (app.tsx).
 */
export function WebhooksView({ auth }: { auth: Auth }) {
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ id: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(
    () =>
      auth.client.webhooks.list().then(
        (list) => {
          setEndpoints(list);
          setError(null);
        },
        (e) => setError(describeError(e)),
      ),
    [auth],
  );
  useEffect(() => void reload(), [reload]);

  const act = (work: () => Promise<string | void>) => async () => {
    setNotice(null);
    try {
      const said = await work();
      if (said) setNotice(said);
      await reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section aria-labelledby="webhooks-title" data-admin-only>
      <div class="toolbar">
        <h2 id="webhooks-title">Webhooks</h2>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && <p role="status">{notice}</p>}
      {secret && (
        <p role="status" class="card">
          Signing secret of {secret.id}, shown only now:{' '}
          <code data-testid="webhook-secret">{secret.secret}</code>
        </p>
      )}
      <CreateEndpoint
        create={async (settings) => {
          const created = await auth.client.webhooks.create(settings);
          setSecret({ id: created.id, secret: created.secret });
          await reload();
        }}
        onError={(e) => setError(describeError(e))}
      />
      {endpoints && (
        <div class="table-wrap">
          <table>
            <caption>Endpoints of this tenant</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} data-endpoint-id={e.id}>
                  <td>
                    {e.url}
                    {e.description && <div class="muted">{e.description}</div>}
                  </td>
                  <td>{e.event_types ? e.event_types.join(', ') : 'all'}</td>
                  <td data-testid="endpoint-state">
                    {e.enabled ? 'enabled' : `disabled${e.disabled_reason ? `: ${e.disabled_reason}` : ''}`}
                    {e.failing_since && <div class="muted">failing since {when(e.failing_since)}</div>}
                    {e.replay && <div class="muted">replaying from {when(e.replay.since)}</div>}
                  </td>
                  <td class="actions">
                    <button type="button" class="secondary" onClick={() => setSelected(e.id)}>
                      Attempts
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      onClick={act(async () => `Test sent: ${await auth.client.webhooks.test(e.id)}`)}
                    >
                      Send test
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      onClick={act(async () => {
                        const rotated = await auth.client.webhooks.rotateSecret(e.id);
                        setSecret({ id: e.id, secret: rotated.secret });
                        return 'The old secret signs too for 24 hours.';
                      })}
                    >
                      Rotate secret
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      onClick={act(async () => {
                        await auth.client.webhooks.update(e.id, { enabled: !e.enabled });
                      })}
                    >
                      {e.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button
                      type="button"
                      class="danger"
                      onClick={act(async () => {
                        if (!confirm(`Delete the endpoint ${e.url}?`)) return;
                        await auth.client.webhooks.delete(e.id);
                        if (selected === e.id) setSelected(null);
                      })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && (
        <EndpointAttempts
          key={selected}
          auth={auth}
          id={selected}
          onReplay={act(async () => 'Replay started.')}
          onError={(e) => setError(describeError(e))}
        />
      )}
    </section>
  );
}

function CreateEndpoint({
  create,
  onError,
}: {
  create: (settings: {
    url: string;
    description?: string;
    event_types?: WebhookEventType[];
    include_session?: boolean;
  }) => Promise<void>;
  onError: (e: unknown) => void;
}) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<WebhookEventType[]>([]);
  const [includeSession, setIncludeSession] = useState(false);
  return (
    <form
      class="card"
      aria-labelledby="new-endpoint-title"
      onSubmit={(e) => {
        e.preventDefault();
        void create({
          url,
          ...(description ? { description } : {}),
          ...(types.length ? { event_types: types } : {}),
          ...(includeSession ? { include_session: true } : {}),
        }).then(() => {
          setUrl('');
          setDescription('');
          setTypes([]);
          setIncludeSession(false);
        }, onError);
      }}
    >
      <h3 id="new-endpoint-title">New endpoint</h3>
      <label for="endpoint-url">URL</label>
      <input
        id="endpoint-url"
        type="url"
        required
        placeholder="https://crm.example.com/cobrowse-hooks"
        value={url}
        onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
      />
      <label for="endpoint-description">Description</label>
      <input
        id="endpoint-description"
        value={description}
        onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
      />
      <fieldset>
        <legend>Events (all when none is ticked)</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} class="inline">
            <input
              type="checkbox"
              checked={types.includes(type)}
              onChange={(e) =>
                setTypes(
                  (e.target as HTMLInputElement).checked ? [...types, type] : types.filter((t) => t !== type),
                )
              }
            />{' '}
            {type}
          </label>
        ))}
      </fieldset>
      <label class="inline">
        <input
          type="checkbox"
          checked={includeSession}
          onChange={(e) => setIncludeSession((e.target as HTMLInputElement).checked)}
        />{' '}
        Send the session with each session event
      </label>
      <button type="submit">Create endpoint</button>
    </form>
  );
}

function EndpointAttempts({
  auth,
  id,
  onReplay,
  onError,
}: {
  auth: Auth;
  id: string;
  onReplay: () => void;
  onError: (e: unknown) => void;
}) {
  const [attempts, setAttempts] = useState<WebhookAttempt[] | null>(null);
  const [since, setSince] = useState('');

  const load = useCallback(async () => {
    const found: WebhookAttempt[] = [];
    for await (const attempt of auth.client.webhooks.attempts(id, { limit: ATTEMPTS_SHOWN })) {
      found.push(attempt);
      if (found.length >= ATTEMPTS_SHOWN) break;
    }
    setAttempts(found);
  }, [auth, id]);
  useEffect(() => void load().catch(onError), [load]);

  return (
    <section class="card" aria-labelledby="attempts-title">
      <div class="toolbar">
        <h3 id="attempts-title">Attempts of {id}</h3>
        <span class="spacer" />
        <button type="button" class="secondary" onClick={() => void load().catch(onError)}>
          Refresh
        </button>
      </div>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const from = localInputToIso(since);
          if (!from) return;
          void auth.client.webhooks.replay(id, { since: new Date(from) }).then(onReplay, onError);
        }}
      >
        <label for="replay-since">Replay events recorded since</label>
        <input
          id="replay-since"
          type="datetime-local"
          required
          value={since}
          onInput={(e) => setSince((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="secondary">
          Replay
        </button>
      </form>
      {attempts && (
        <div class="table-wrap">
          <table>
            <caption>Newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Answer</th>
                <th scope="col">Took</th>
                <th scope="col">Next retry</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.id} data-testid="attempt">
                  <td>{when(a.at)}</td>
                  <td>
                    {a.type}
                    <div class="muted">{a.webhook_id}</div>
                  </td>
                  <td>{a.attempt}</td>
                  <td title={a.response}>{a.status ?? a.error}</td>
                  <td>{a.duration_ms} ms</td>
                  <td>{when(a.next_retry_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
