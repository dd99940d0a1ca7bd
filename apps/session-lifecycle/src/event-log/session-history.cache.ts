import { Injectable } from '@nestjs/common';
import type { SessionHistory } from './session-event-store';

const MAX_ENTRIES = 20_000;

/** What a session's history is cached (and its appends serialized) under. */
export const sessionKey = (tenant: string, sessionId: string): string => `${tenant}/${sessionId}`;

/**
 * Recently used session histories. Only a shortcut: a stale entry is caught by the
 * log's expected-last-sequence check on append, after which the entry is re-read.
 */
@Injectable()
export class SessionHistoryCache {
  private readonly entries = new Map<string, SessionHistory>();

  get(key: string): SessionHistory | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, history: SessionHistory): void {
    this.entries.delete(key);
    this.entries.set(key, history);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
