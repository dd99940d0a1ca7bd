import { useEffect, useState } from 'preact/hooks';
import type { Actor, EventEnvelope, Session } from '@cobrowse/client';
import { can, type Auth } from '../auth';
import { describeActor, describeError, when } from '../format';
import { JsonEditor } from './json-editor';
import { StateBadge } from './sessions-table';

/** One session: everything it holds and who changed it, live while open; editable and endable by an admin. */
export function SessionDetail({ auth, id }: { auth: Auth; id: string }) {
  const [session, setSession] = useState<Session | null>(null);
  const [events, setEvents] = useState<EventEnvelope[]>([]);
  const [, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let open: Session | null = null;
    let stopped = false;
    auth.client.sessions.get(id).then(
      (loaded) => {
        if (stopped) return;
        open = loaded;
        setSession(loaded);
        const refresh = () => {
          setVersion(loaded.version);
          auth.client.sessions.events(id).then(
            (all) => !stopped && setEvents(all),
            () => undefined,
          );
        };
        refresh();
        loaded.on('updated', refresh);
        loaded.on('error', (e) => setError(describeError(e)));
      },
      (e) => setError(describeError(e)),
    );
    return () => {
      stopped = true;
      void open?.close();
    };
  }, [auth, id]);

  if (!session)
    return error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : (
      <p aria-busy="true">Loading…</p>
    );

  const admin = can(auth.identity, 'admin');
  const end = async () => {
    if (!confirm('End this session for everyone in it?')) return;
    try {
      await session.end();
      setVersion(session.version);
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <article aria-labelledby="session-title">
      <p>
        <a href="#/sessions">← All sessions</a>
      </p>
      <div class="toolbar">
        <h2 id="session-title">Session {session.token}</h2>
        <StateBadge state={session.state} />
        <span class="spacer" />
        {admin && session.state !== 'ended' && (
          <button type="button" class="danger" onClick={end} data-testid="end-session" data-admin-only>
            End session
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="grid2">
        <section class="card" aria-labelledby="overview-title">
          <h3 id="overview-title">Overview</h3>
          <dl>
            <dt>Id</dt>
            <dd>{session.id}</dd>
            <dt>State</dt>
            <dd data-testid="session-state">{session.state}</dd>
            <dt>Created</dt>
            <dd>{when(session.created_at)}</dd>
            <dt>Activated</dt>
            <dd>{when(session.activated_at)}</dd>
            <dt>Activated by</dt>
            <ActorCell actor={session.activated_by} testId="activated-by" />
            <dt>Ended</dt>
            <dd>{session.ended_at ? `${when(session.ended_at)} (${session.end_reason})` : '—'}</dd>
            <dt>Ended by</dt>
            <ActorCell
              actor={session.ended_by}
              testId="ended-by"
              none={session.end_reason === 'timeout' ? 'the service (timeout)' : undefined}
            />
            <dt>Data changed by</dt>
            <ActorCell actor={session.metadata_updated_by} testId="metadata-updated-by" />
            <dt>Length</dt>
            <dd>{session.formatted_length}</dd>
            <dt>Agents</dt>
            <dd>
              {session.agents.map((a) => `${a.name ?? a.id}${a.email ? ` <${a.email}>` : ''}`).join(', ') ||
                '—'}
            </dd>
            <dt>Device</dt>
            <dd>
              {session.device_id} {Object.values(session.device).filter(Boolean).join(' · ')}
            </dd>
            <dt>Tags</dt>
            <dd>{session.tags.join(', ') || '—'}</dd>
            <dt>Version</dt>
            <dd data-testid="session-version">{session.version}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="data-title">
          <h3 id="data-title">Custom data and metadata</h3>
          <JsonEditor
            label="Custom data"
            value={session.custom_data}
            editable={admin}
            save={(patch, ifMatch) =>
              session.update({ custom_data: patch as Record<string, string> }, { ifMatch })
            }
            version={session.version}
          />
          <JsonEditor
            label="Metadata"
            value={session.metadata}
            editable={admin}
            save={(patch, ifMatch) => session.updateMetadata(patch, { ifMatch })}
            version={session.version}
          />
        </section>
      </div>
      <section class="card" aria-labelledby="pages-title">
        <h3 id="pages-title">Pages</h3>
        <div class="table-wrap">
          <table>
            <caption>
              Time on each page, counted from when the agent joined (as in the Genesys history)
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">URL</th>
                <th scope="col">Title</th>
                <th scope="col">Entered</th>
                <th scope="col">Duration (s)</th>
              </tr>
            </thead>
            <tbody>
              {session.pages.map((p, i) => (
                <tr key={i} data-testid="page-row">
                  <td>{i + 1}</td>
                  <td>{p.url}</td>
                  <td>{p.title ?? ''}</td>
                  <td>{when(p.entered_at)}</td>
                  <td data-testid="page-duration">{p.duration_seconds}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="events-title">
        <h3 id="events-title">Events ({events.length})</h3>
        <details>
          <summary>Raw events from the log</summary>
          <pre data-testid="raw-events">{JSON.stringify(events, null, 2)}</pre>
        </details>
      </section>
    </article>
  );
}

/** Who did something: "Jane Doe (agent)", "key 3fa1c2…"; the hover shows the full sub or fingerprint. */
function ActorCell({ actor, testId, none = '—' }: { actor: Actor | null; testId: string; none?: string }) {
  return (
    <dd data-testid={testId} title={actor ? (actor.type === 'agent' ? actor.sub : actor.id) : undefined}>
      {actor ? describeActor(actor) : none}
    </dd>
  );
}
