import { readFileSync } from 'node:fs';
import { BENCH_KEY } from '../workload';

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Streams the whole export, counting rows, while sampling the gateway's and projector's RSS. */
export async function csvExport(
  gatewayUrl: string,
  pids: { gateway: number; projector: number },
): Promise<{
  rows: number;
  rowsPerS: number;
  gatewayPeakMb: number;
  projectorPeakMb: number;
  baselineMb: number;
}> {
  const baselineMb = rssMb(pids.gateway);
  let gatewayPeakMb = baselineMb;
  let projectorPeakMb = rssMb(pids.projector);
  const sampler = setInterval(() => {
    gatewayPeakMb = Math.max(gatewayPeakMb, rssMb(pids.gateway));
    projectorPeakMb = Math.max(projectorPeakMb, rssMb(pids.projector));
  }, 100);
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/v1/sessions/export.csv`, {
    headers: { authorization: `Bearer ${BENCH_KEY}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rows = lines - 1; // the header
  return { rows, rowsPerS: rows / seconds, gatewayPeakMb, projectorPeakMb, baselineMb };
}
