import type { LoggerService } from '@nestjs/common';

/** What a service gets to stop cleanly after SIGTERM before it exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 8_000;

/**
 * On SIGTERM or SIGINT, Nest's shutdown hooks stop the service (stop fetching, settle or hand
 * back in-flight messages, release leadership, close connections); should any of that hang —
 * a database that does not answer, a peer that never closes — the process still exits within
 * SHUTDOWN_DEADLINE_MS, and says so. Orchestrators wait 30 s by default before SIGKILL.
 */
export function exitWithinDeadlineOnSignal(logger: LoggerService): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      logger.log({ msg: 'stopping', signal });
      setTimeout(() => {
        logger.warn({ msg: 'shutdown did not finish in time; exiting', deadline_ms: SHUTDOWN_DEADLINE_MS });
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
}
