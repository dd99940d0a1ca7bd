import { customDataText, type SessionQuery } from '@cobrowse/contracts';
import type { ListRow } from './list-row';

/**
 * An equality a list filter can ask for and a session either has or has not: its device, one
 * of its agents, or one custom data value as `filter_<key>` reads it. Each term has postings
 * (list-postings.repository.ts): the keys of every session with it, so a filter naming a rare
 * device or customer reads those sessions instead of walking the whole list.
 */
export type ListTerm = string;

/** Terms longer than this get no postings (a filter with one walks the list instead). */
export const MAX_TERM_LENGTH = 256;

const term = (...parts: string[]): ListTerm | null => {
  const text = JSON.stringify(parts);
  return text.length <= MAX_TERM_LENGTH ? text : null;
};

/** Every term of a session, each once. */
export function termsOfRow(row: Pick<ListRow, 'device_id' | 'agent_ids' | 'custom_data'>): Set<ListTerm> {
  const terms = [term('d', row.device_id), ...row.agent_ids.map((id) => term('a', id))];
  for (const [key, value] of Object.entries(row.custom_data)) {
    const text = customDataText(value);
    if (text !== null) terms.push(term('c', key, text));
  }
  return new Set(terms.filter((t): t is ListTerm => t !== null));
}

/** The terms a query requires: a session it matches has every one of them. */
export function termsOfQuery(query: SessionQuery): ListTerm[] {
  const terms: Array<ListTerm | null> = [];
  if (query.device_id !== undefined) terms.push(term('d', query.device_id));
  if (query.agent_id !== undefined) terms.push(term('a', query.agent_id));
  for (const [key, value] of Object.entries(query.custom_data ?? {})) terms.push(term('c', key, value));
  // A policy key with one value is an equality too; with several, the rows decide.
  for (const [key, values] of Object.entries(query.policy?.custom_data ?? {}))
    if (values.length === 1) terms.push(term('c', key, values[0]));
  return terms.filter((t): t is ListTerm => t !== null);
}
