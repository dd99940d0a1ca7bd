import { useState } from 'preact/hooks';
import type { SessionFilters, SessionState } from '@cobrowse/client';
import { localInputToIso } from '../format';

const STATES: SessionState[] = ['pending', 'active', 'ended'];

/** "plan=gold, region=eu" → { filter_plan: 'gold', filter_region: 'eu' }. */
export function parseCustomData(text: string): Record<`filter_${string}`, string> {
  const filters: Record<`filter_${string}`, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    filters[`filter_${pair.slice(0, at).trim()}`] = pair.slice(at + 1).trim();
  }
  return filters;
}

export interface FilterErrors {
  tags?: string;
}

/** The filter form: nothing is asked of the server until "Apply". */
export function SessionFiltersForm(props: {
  onApply: (filters: SessionFilters) => void;
  errors: FilterErrors;
}) {
  const [states, setStates] = useState<SessionState[]>([]);
  const [customData, setCustomData] = useState('');
  const [tags, setTags] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [token, setToken] = useState('');
  const text = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

  const apply = (event: Event) => {
    event.preventDefault();
    props.onApply({
      ...(states.length ? { state: states } : {}),
      ...parseCustomData(customData),
      ...(tags.trim() ? { tags: tags.trim() } : {}),
      ...(token.trim() ? { token: token.trim() } : {}),
      created_after: localInputToIso(from),
      created_before: localInputToIso(to),
    });
  };

  return (
    <form class="card" onSubmit={apply} aria-label="Filter sessions">
      <div class="filters">
        <fieldset class="columns">
          <legend>State</legend>
          {STATES.map((state) => (
            <label key={state}>
              <input
                type="checkbox"
                checked={states.includes(state)}
                onChange={(e) =>
                  setStates((current) =>
                    (e.target as HTMLInputElement).checked
                      ? [...current, state]
                      : current.filter((s) => s !== state),
                  )
                }
              />
              {state}
            </label>
          ))}
        </fieldset>
        <div>
          <label for="filter-custom">Custom data (key=value, …)</label>
          <input
            id="filter-custom"
            value={customData}
            onInput={text(setCustomData)}
            placeholder="plan=gold"
          />
        </div>
        <div>
          <label for="filter-tags">Tag expression</label>
          <input
            id="filter-tags"
            value={tags}
            onInput={text(setTags)}
            placeholder="vip AND NOT test"
            aria-invalid={props.errors.tags ? 'true' : undefined}
            aria-describedby={props.errors.tags ? 'filter-tags-error' : undefined}
          />
          {props.errors.tags && (
            <div id="filter-tags-error" class="field-error" role="alert">
              {props.errors.tags}
            </div>
          )}
        </div>
        <div>
          <label for="filter-from">Created from</label>
          <input id="filter-from" type="datetime-local" step="1" value={from} onInput={text(setFrom)} />
        </div>
        <div>
          <label for="filter-to">Created before</label>
          <input id="filter-to" type="datetime-local" step="1" value={to} onInput={text(setTo)} />
        </div>
        <div>
          <label for="filter-token">Token</label>
          <input id="filter-token" value={token} onInput={text(setToken)} inputMode="numeric" />
        </div>
        <div>
          <button type="submit">Apply filters</button>
        </div>
      </div>
    </form>
  );
}
