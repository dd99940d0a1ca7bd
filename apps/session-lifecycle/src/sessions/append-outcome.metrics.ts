import { eventTypeLabel, type AppendEventResult } from '@cobrowse/contracts';
import { eventsAppended, eventsRejected } from '@cobrowse/observability';

/** Counts one decided fact: appended, or refused with its code (a duplicate is neither). */
/** The result, counted: for results decided without the log (refusals, facts not tried). */
export function counted(type: unknown, result: AppendEventResult): AppendEventResult {
  countAppendOutcome(type, result);
  return result;
}

export function countAppendOutcome(type: unknown, result: AppendEventResult): void {
  if (result.status === 'accepted') eventsAppended.inc({ type: eventTypeLabel(type) });
  else if (result.status === 'rejected')
    eventsRejected.inc({ type: eventTypeLabel(type), code: result.error?.code ?? 'UNKNOWN' });
}
