import { useState } from 'preact/hooks';

/** Cursor paging as a stack of cursors: Next pushes the server's cursor, Previous pops one. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    index: cursors.length - 1,
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}

/**
 * Previous / Next for a list read in cursor pages. Both are disabled while a page loads
 * (`nextCursor` undefined), so a click never pages from rows that are being replaced.
 */
export function Pager(props: {
  index: number;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}) {
  const loading = props.nextCursor === undefined;
  return (
    <nav class="toolbar" aria-label="Pages">
      <button
        type="button"
        class="secondary"
        disabled={props.index === 0 || loading}
        onClick={props.onPrevious}
      >
        Previous page
      </button>
      <span>Page {props.index + 1}</span>
      <button
        type="button"
        class="secondary"
        disabled={!props.nextCursor}
        onClick={() => props.nextCursor && props.onNext(props.nextCursor)}
      >
        Next page
      </button>
    </nav>
  );
}
