/** What a check says: null when fine, otherwise why not. */
export type CheckResult = string | null;
export type Check = () => Promise<CheckResult> | CheckResult;

export interface ProbeReport {
  ok: boolean;
  checks: Record<string, string>;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * The process's liveness and readiness checks. Each part of a service registers what it needs
 * (the NATS connection, the database, its consumers, "started"), so a probe answers for the
 * whole process without knowing its features.
 */
export class Probes {
  private readonly live = new Map<string, Check>();
  private readonly ready = new Map<string, Check>();

  /** A failing liveness check asks the orchestrator to restart the process: only for states it cannot leave. */
  liveness(name: string, check: Check): void {
    this.live.set(name, check);
  }

  /** A failing readiness check takes the process out of service until it passes again. */
  readiness(name: string, check: Check): void {
    this.ready.set(name, check);
  }

  report(kind: 'live' | 'ready'): Promise<ProbeReport> {
    return run(kind === 'live' ? this.live : this.ready);
  }
}

async function run(checks: Map<string, Check>): Promise<ProbeReport> {
  const results = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await bounded(check)] as const),
  );
  return {
    ok: results.every(([, result]) => result === null),
    checks: Object.fromEntries(results.map(([name, result]) => [name, result ?? 'ok'])),
  };
}

async function bounded(check: Check): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<CheckResult>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (e) {
    return (e as Error).message || 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** The process's probes (one process, one set, like its metrics registry). */
export const probes = new Probes();
