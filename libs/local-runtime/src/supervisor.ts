import { BACKOFF, delayBefore } from '@cobrowse/resilience';
import type { ManagedProcess } from './managed-process';

export interface SupervisorOptions {
  name: string;
  /** Starts the process (again); called once at start and after each unexpected exit. */
  start: () => ManagedProcess;
  /** One line for each event worth telling the person at the terminal. */
  log: (line: string) => void;
}

/** A process that ran this long before exiting starts again after the first delay. */
const STABLE_AFTER_MS = 60_000;

/**
 * Keeps one local service running: an exit it did not ask for is logged and followed by a new
 * start after a delay that doubles with each quick failure (1 s up to 30 s), so a service that
 * cannot start does not spin.
 */
export class Supervisor {
  private current: ManagedProcess;
  private stopping = false;
  private restarts = 0;
  /** Quick failures in a row: the restart back-off. */
  private quickFailures = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: SupervisorOptions) {
    this.current = this.launch();
  }

  get process(): ManagedProcess {
    return this.current;
  }

  /** Stops supervising, then the process. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.current.stop();
  }

  private launch(): ManagedProcess {
    const process = this.options.start();
    const startedAt = Date.now();
    void process.waitForExit().then((code) => this.exited(process, code, Date.now() - startedAt));
    return process;
  }

  private exited(process: ManagedProcess, code: number | null, ranMs: number): void {
    if (this.stopping || process !== this.current) return;
    if (ranMs >= STABLE_AFTER_MS) this.quickFailures = 0;
    const delay = delayBefore(BACKOFF.restart, ++this.quickFailures);
    this.restarts++;
    this.options.log(
      `${this.options.name} (pid ${process.pid}) exited ${code === null ? 'on a signal' : `with code ${code}`} ` +
        `after ${Math.round(ranMs / 1000)} s; restart #${this.restarts} in ${delay / 1000} s`,
    );
    this.timer = setTimeout(() => {
      if (this.stopping) return;
      this.current = this.launch();
      this.options.log(`${this.options.name} restarted (pid ${this.current.pid})`);
    }, delay);
  }
}
