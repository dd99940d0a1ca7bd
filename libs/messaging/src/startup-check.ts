/**
 * The oldest nats-server the service works with: the event log's per-session concurrency uses
 * the `Nats-Expected-Last-Subject-Sequence-Subject` header, which arrived in 2.11.
 */
export const REQUIRED_NATS_VERSION = '2.11.0';

/** A dependency the service cannot run with: reported in one line, and the service stops. */
export class StartupCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupCheckError';
  }
}

/** Throws a StartupCheckError naming what was found and what is required. */
export function checkNatsServer(info: { version?: string; jetstream?: boolean } | undefined): void {
  const found = info?.version ?? 'unknown';
  if (!versionAtLeast(found, REQUIRED_NATS_VERSION))
    throw new StartupCheckError(
      `NATS server ${found} is too old: ${REQUIRED_NATS_VERSION} or newer is required`,
    );
  if (!info?.jetstream)
    throw new StartupCheckError(`NATS server ${found} has JetStream disabled: the event log needs JetStream`);
}

/** Whether `found` (e.g. `2.11.15`, `2.12.0-RC.1`) is at least `required`. */
export function versionAtLeast(found: string, required: string): boolean {
  const parse = (v: string) => (v.match(/^v?(\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  const [a, b] = [parse(found), parse(required)];
  if (a.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}
