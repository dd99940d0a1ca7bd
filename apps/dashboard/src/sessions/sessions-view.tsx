import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CobrowseError, type Page, type Session, type SessionFilters } from '@cobrowse/client';
import type { Auth } from '../auth';
import { describeError } from '../format';
import { SessionFiltersForm, type FilterErrors } from './filters';
import { SessionsTable } from './sessions-table';
import { useActiveCount } from './use-active-count';
import { Pager, useCursorPages } from '../paging';

const PAGE_SIZE = 50;

/**
 * Sessions, newest first, in cursor pages (the server's paging never skips or repeats a
 * session). Live mode follows the tenant's stream: changed rows update in place, and the first
 * page is read again when a session is created.
 */
export function SessionsView({ auth }: { auth: Auth }) {
  const [filters, setFilters] = useState<SessionFilters>({});
  const pages = useCursorPages();
  const [page, setPage] = useState<Page<Session> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FilterErrors>({});
  const [live, setLive] = useState(true);
  const [shownKeys, setShownKeys] = useState<string[]>([]);
  const [downloading, setDownloading] = useState(false);
  const active = useActiveCount(auth, live);
  const pageIndex = pages.index;
  const reloads = useRef(0);

  const load = useCallback(async () => {
    const ticket = ++reloads.current;
    try {
      const next = await auth.client.sessions.list({
        ...filters,
        limit: PAGE_SIZE,
        cursor: pages.cursor,
      });
      if (ticket !== reloads.current) return;
      setPage(next);
      setError(null);
      setFieldErrors({});
    } catch (e) {
      if (ticket !== reloads.current) return;
      setPage(null);
      const position = ((e as CobrowseError).details?.[0] as { position?: number } | undefined)?.position;
      if (e instanceof CobrowseError && e.code === 'INVALID_TAG_EXPRESSION')
        setFieldErrors({ tags: `${e.message}${position !== undefined ? ` (at position ${position})` : ''}` });
      else setError(describeError(e));
    }
  }, [auth, filters, pages.cursor]);

  useEffect(() => void load(), [load]);

  // Live: rows on the page change in place; a session not on the first page yet (a new one)
  // reads the first page again, at most once a second. Both come from the projector's
  // session-updated messages, so the page is read after the session is queryable.
  const shown = useRef<Page<Session> | null>(null);
  shown.current = page;
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = auth.client.sessions.subscribe(
      {
        types: [],
        withSessions: true,
        onSession: (resource) => {
          if (shown.current?.data.some((s) => s.id === resource.id)) {
            setPage((current) =>
              current
                ? {
                    ...current,
                    data: current.data.map((s) => (s.id === resource.id ? Object.assign(s, resource) : s)),
                  }
                : current,
            );
          } else if (pageIndex === 0 && timer === undefined) {
            timer = setTimeout(() => {
              timer = undefined;
              void load();
            }, 1_000);
          }
        },
      },
      () => undefined,
    );
    return () => {
      clearTimeout(timer);
      void subscription.close();
    };
  }, [auth, live, load, pageIndex]);

  const customKeys = [...new Set((page?.data ?? []).flatMap((s) => Object.keys(s.custom_data)))].sort();

  const downloadCsv = async () => {
    setDownloading(true);
    try {
      const blob = await new Response(await auth.client.sessions.exportCsv(filters)).blob();
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: 'sessions.csv' });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section aria-labelledby="sessions-title">
      <div class="toolbar">
        <h2 id="sessions-title">Sessions</h2>
        <span class="spacer" />
        <span role="status" aria-live="polite">
          Active sessions:{' '}
          <span class="stat" data-testid="active-count">
            {active ?? '…'}
          </span>
        </span>
        <label class="columns">
          <input
            type="checkbox"
            checked={live}
            onChange={(e) => setLive((e.target as HTMLInputElement).checked)}
          />
          Live
        </label>
        <button type="button" onClick={downloadCsv} disabled={downloading}>
          Download CSV
        </button>
      </div>
      <SessionFiltersForm
        errors={fieldErrors}
        onApply={(next) => {
          setPage(null);
          setFilters(next);
          pages.reset();
        }}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {customKeys.length > 0 && (
        <fieldset class="columns card">
          <legend>Custom data columns</legend>
          {customKeys.map((key) => (
            <label key={key}>
              <input
                type="checkbox"
                checked={shownKeys.includes(key)}
                onChange={(e) =>
                  setShownKeys((keys) =>
                    (e.target as HTMLInputElement).checked ? [...keys, key] : keys.filter((k) => k !== key),
                  )
                }
              />
              {key}
            </label>
          ))}
        </fieldset>
      )}
      {!page && !error && !fieldErrors.tags && <p aria-busy="true">Loading sessions…</p>}
      {page && (
        <SessionsTable
          sessions={page.data}
          customColumns={shownKeys.filter((k) => customKeys.includes(k))}
          caption={`Page ${pageIndex + 1}: ${page.data.length} sessions, newest first`}
        />
      )}
      <Pager
        index={pageIndex}
        nextCursor={page?.nextCursor}
        onPrevious={() => {
          setPage(null);
          pages.previous();
        }}
        onNext={(cursor) => {
          // No rows of this page left under the next page's number while it loads.
          setPage(null);
          pages.next(cursor);
        }}
      />
    </section>
  );
}
