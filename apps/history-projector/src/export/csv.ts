import type { ListRow } from '../session-list/list-row';

/** The fixed columns of the export, in SPEC order; custom data keys follow, sorted. */
export const FIXED_COLUMNS = [
  'device_locale',
  'os_version',
  'os_api_level',
  'app_id',
  'app_name',
  'app_version',
  'app_build',
  'sdk_version',
  'platform',
  'agent_name',
  'agent_email',
  'session_id',
  'session_created',
  'session_ended',
] as const;

const DEVICE_COLUMNS = FIXED_COLUMNS.slice(0, 9);
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** `YYYY-MM-DD HH-MM-SS` in UTC, the format the reference CSV documents. */
export function csvDate(ms: number | null): string {
  if (ms === null) return '';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19).replace(/:/g, '-')}`;
}

/**
 * One cell: text a spreadsheet would run as a formula (starting with = + - @ tab or CR) is
 * prefixed with an apostrophe, plain numbers excepted; RFC 4180 quoting where needed.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: unknown[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export function csvHeader(customKeys: string[]): string {
  return csvLine([...FIXED_COLUMNS, ...customKeys]);
}

/** A session's line, from its list row (which carries every column). */
export function csvRow(session: ListRow, customKeys: string[]): string {
  const device = session.device as Record<string, unknown>;
  return csvLine([
    ...DEVICE_COLUMNS.map((column) => device[column]),
    session.first_agent?.name,
    session.first_agent?.email,
    session.id,
    csvDate(session.created_at),
    csvDate(session.ended_at),
    ...customKeys.map((key) => session.custom_data[key]),
  ]);
}
