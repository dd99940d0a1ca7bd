import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** How the machine's CPU was shared among the system's processes during one phase. */
export class CpuUsage {
  private readonly start: Map<string, number>;
  private readonly startedAt = performance.now();

  constructor(private readonly pids: Record<string, number>) {
    this.start = new Map(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  /** CPU seconds each process has used since the start. */
  cpuSeconds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = cpuSeconds(pid) - this.start.get(name)!;
    return out;
  }

  /** Cores used by each process on average (2.0 = both cores of a 2-core machine), plus this bench. */
  cores(): Record<string, number> {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids))
      out[name] = Math.round(((cpuSeconds(pid) - this.start.get(name)!) / seconds) * 100) / 100;
    return out;
  }
}
