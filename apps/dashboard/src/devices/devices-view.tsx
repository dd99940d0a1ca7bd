import { useEffect, useState } from 'preact/hooks';
import type { Device, Page } from '@cobrowse/client';
import type { Auth } from '../auth';
import { describeError, when } from '../format';
import { Pager, useCursorPages } from '../paging';

const REFRESH_MS = 3_000;

type Presence = 'all' | 'online' | 'offline';

/** Devices and their presence, read again every few seconds (the service has no device stream). */
export function DevicesView({ auth }: { auth: Auth }) {
  const [presence, setPresence] = useState<Presence>('all');
  const pages = useCursorPages();
  const [page, setPage] = useState<Page<Device> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const load = () =>
      auth.client.devices
        .list({
          limit: 50,
          cursor: pages.cursor,
          ...(presence === 'all' ? {} : { online: presence === 'online' }),
        })
        .then(
          (next) => {
            if (stopped) return;
            setPage(next);
            setError(null);
          },
          (e) => !stopped && setError(describeError(e)),
        );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [auth, presence, pages.cursor]);

  return (
    <section aria-labelledby="devices-title">
      <div class="toolbar">
        <h2 id="devices-title">Devices</h2>
        <span class="spacer" />
        <label for="presence">Presence</label>
        <select
          id="presence"
          value={presence}
          onChange={(e) => {
            setPage(null);
            setPresence((e.target as HTMLSelectElement).value as Presence);
            pages.reset();
          }}
        >
          <option value="all">All</option>
          <option value="online">Online</option>
          <option value="offline">Offline</option>
        </select>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <div class="table-wrap">
          <table>
            <caption>Newest added first; updated every few seconds</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Presence</th>
                <th scope="col">Session</th>
                <th scope="col">Connections</th>
                <th scope="col">Last URL</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((d) => (
                <tr key={d.id} data-device-id={d.id}>
                  <td>{d.id}</td>
                  <td data-testid="presence">
                    {d.is_online ? 'online' : 'offline'}
                    {d.is_in_session ? ', in session' : ''}
                  </td>
                  <td>
                    {d.current_session_id ? (
                      <a href={`#/sessions/${encodeURIComponent(d.current_session_id)}`}>open</a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {d.connections.filter((c) => c.status === 'active').length} active of{' '}
                    {d.connections.length}
                  </td>
                  <td>{d.last_url ?? '—'}</td>
                  <td>{when(d.last_seen_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        index={pages.index}
        nextCursor={page?.nextCursor}
        onPrevious={() => {
          setPage(null);
          pages.previous();
        }}
        onNext={(cursor) => {
          setPage(null);
          pages.next(cursor);
        }}
      />
    </section>
  );
}
