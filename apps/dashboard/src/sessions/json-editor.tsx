import { useState } from 'preact/hooks';
import { CobrowseError, type JsonObject } from '@cobrowse/client';
import { describeError } from '../format';

/**
 * Shows a JSON object; when `editable` (an admin), edits it as a patch (keys set, `null`
 * deletes) saved with `If-Match` on the version the edit started from, so a concurrent change
 * is never overwritten unseen.
 */
export function JsonEditor(props: {
  label: string;
  value: object;
  version: number;
  editable: boolean;
  save: (patch: JsonObject, ifMatch: number) => Promise<unknown>;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const [base, setBase] = useState(0);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const id = props.label.toLowerCase().replace(/\W+/g, '-');

  const start = () => {
    setDraft(JSON.stringify(props.value, null, 2));
    setBase(props.version);
    setMessage(null);
  };

  const save = async () => {
    let patch: JsonObject;
    try {
      patch = JSON.parse(draft ?? '{}');
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
        throw new Error('not an object');
    } catch {
      setMessage({ text: `${props.label} must be a JSON object.`, error: true });
      return;
    }
    try {
      await props.save(patch, base);
      setDraft(null);
      setMessage({ text: `${props.label} saved.`, error: false });
    } catch (e) {
      if (e instanceof CobrowseError && e.code === 'VERSION_MISMATCH')
        setMessage({
          text: `Not saved: the session changed since you started editing (you edited version ${base}, it is now version ${props.version}). Review the current values and edit again.`,
          error: true,
        });
      else setMessage({ text: describeError(e), error: true });
    }
  };

  return (
    <div>
      <h4 id={`${id}-title`}>{props.label}</h4>
      {draft === null ? (
        <pre aria-labelledby={`${id}-title`} data-testid={`${id}-value`}>
          {JSON.stringify(props.value, null, 2)}
        </pre>
      ) : (
        <>
          <label for={`${id}-draft`}>{props.label} (JSON; null deletes a key)</label>
          <textarea
            id={`${id}-draft`}
            value={draft}
            onInput={(e) => setDraft((e.target as HTMLTextAreaElement).value)}
          />
        </>
      )}
      {message && (
        <p class={message.error ? 'error' : ''} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {props.editable && (
        <div class="toolbar" data-admin-only>
          {draft === null ? (
            <button type="button" class="secondary" onClick={start} data-testid={`edit-${id}`}>
              Edit {props.label.toLowerCase()}
            </button>
          ) : (
            <>
              <button type="button" onClick={save}>
                Save {props.label.toLowerCase()}
              </button>
              <button type="button" class="secondary" onClick={() => setDraft(null)}>
                Cancel
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}
