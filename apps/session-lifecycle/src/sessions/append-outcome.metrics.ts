import { eventTypeLabel, type AppendEventResult } from '@cobrowse/contracts';
import { eventsAppended, eventsRejected } from '@cobrowse/observability';

/** Counts one decided fact: appended, or refused with its code (a duplicate is neither). */
export function countAppendOutcome(type: unknown, result: AppendEventResult): void {
  if (result.status === 'accepted') eventsAppended.inc({ type: eventTypeLabel(type) });
  else if (result.status === 'rejected')
    eventsRejected.inc({ type: eventTypeLabel(type), code: result.error?.code ?? 'UNKNOWN' });
}
