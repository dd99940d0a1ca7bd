import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const running = new Set<ManagedProcess>();
let hooksInstalled = false;

/** Whatever happens to this process, the children it started do not outlive it. */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const p of running) p.killNow();
  });
}

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Append stdout and stderr here; inherit the terminal when absent. */
  logFile?: string;
}

/** A child process (server or service) that is stopped gracefully, or killed, with its owner. */
export class ManagedProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exited?: Promise<number | null>;
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly options: ManagedProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    installExitHooks();
    const { command, args, env, cwd, logFile } = this.options;
    this.log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
    this.child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', this.log ? 'pipe' : 'inherit', this.log ? 'pipe' : 'inherit'],
    });
    if (this.log) {
      this.child.stdout?.pipe(this.log, { end: false });
      this.child.stderr?.pipe(this.log, { end: false });
    }
    const child = this.child;
    this.exit = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit({ code, signal })),
    );
    this.exited = this.exit.then(({ code }) => code);
    running.add(this);
    void this.exited.then(() => running.delete(this));
    return this;
  }

  /** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.log?.end();
  }

  /** kill -9: what a crash looks like. */
  async kill(): Promise<void> {
    if (!this.child || !this.isRunning) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * SIGTERM and nothing else, resolving with how the process ended: a service that shut down
   * cleanly re-raises the signal (signal SIGTERM); one that had to force its exit ends with code 1.
   */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.child || !this.isRunning) throw new Error(`${this.options.name} is not running`);
    this.child.kill('SIGTERM');
    return this.exit!;
  }

  /** SIGSTOP / SIGCONT: a process frozen (a long GC pause, a stalled VM) and thawed. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  killNow(): void {
    if (this.isRunning) this.child!.kill('SIGKILL');
  }

  waitForExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }
}
