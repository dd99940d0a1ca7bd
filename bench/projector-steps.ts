import { PROBE_PATHS } from '@cobrowse/observability';

/** The projector's batch steps (`cobrowse_projection_step_duration_seconds`), as summed so far. */
export type StepTotals = Map<string, { count: number; sum: number }>;

/** Batches the projector wrote over a phase, and the mean milliseconds of each step. */
export interface PhaseSteps {
  batches: number;
  fold_ms: number;
  write_ms: number;
  list_ms: number;
}

const METRIC = 'cobrowse_projection_step_duration_seconds';
const SAMPLE = new RegExp(`^${METRIC}_(sum|count)\\{[^}]*\\bstep="(\\w+)"[^}]*\\}\\s+([0-9.eE+-]+)$`);

/** The step totals a service's probe port reports; empty when it does not answer (stopped). */
export async function readStepTotals(probePort: number): Promise<StepTotals> {
  const totals: StepTotals = new Map();
  try {
    const response = await fetch(`http://127.0.0.1:${probePort}${PROBE_PATHS.metrics}`);
    for (const line of (await response.text()).split('\n')) {
      const match = SAMPLE.exec(line);
      if (!match) continue;
      const [, kind, step, value] = match;
      const total = totals.get(step) ?? { count: 0, sum: 0 };
      total[kind as 'sum' | 'count'] = Number(value);
      totals.set(step, total);
    }
  } catch {
    // a stopped projector has no steps to report
  }
  return totals;
}

/**
 * What happened between two readings. A projector restarted in between starts again from
 * zero: its totals then are what it did since.
 */
export function stepsBetween(before: StepTotals, after: StepTotals): PhaseSteps {
  const delta = (step: string) => {
    const a = after.get(step) ?? { count: 0, sum: 0 };
    const b = before.get(step) ?? { count: 0, sum: 0 };
    return a.count >= b.count ? { count: a.count - b.count, sum: a.sum - b.sum } : a;
  };
  const mean = (step: string) => {
    const { count, sum } = delta(step);
    return count ? Math.round((sum / count) * 10_000) / 10 : 0;
  };
  return {
    batches: delta('write').count,
    fold_ms: mean('fold'),
    write_ms: mean('write'),
    list_ms: mean('list'),
  };
}
