import type { Session } from '@cobrowse/client';
import { when } from '../format';

export function StateBadge({ state }: { state: string }) {
  return <span class={`state state-${state}`}>{state}</span>;
}

/** The sessions of one page; `customColumns` are custom-data keys shown as extra columns. */
export function SessionsTable(props: { sessions: Session[]; customColumns: string[]; caption: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Length</th>
            <th scope="col">Agent</th>
            <th scope="col">Device</th>
            <th scope="col">Token</th>
            <th scope="col">Tags</th>
            {props.customColumns.map((key) => (
              <th scope="col" key={key}>
                {key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.sessions.map((s) => (
            <tr key={s.id} data-session-id={s.id}>
              <td>
                <StateBadge state={s.state} />
              </td>
              <td>
                <a href={`#/sessions/${encodeURIComponent(s.id)}`}>{when(s.created_at)}</a>
              </td>
              <td>{s.formatted_length}</td>
              <td>{s.agents[0]?.name ?? s.agents[0]?.id ?? '—'}</td>
              <td>{s.device_id}</td>
              <td>{s.token}</td>
              <td>{s.tags.join(', ')}</td>
              {props.customColumns.map((key) => (
                <td key={key}>{s.custom_data[key] === undefined ? '' : String(s.custom_data[key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
