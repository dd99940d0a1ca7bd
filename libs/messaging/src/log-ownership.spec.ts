import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every line of the apps' sources matching `pattern`, as `file:line`. */
function linesOfApps(pattern: RegExp): string[] {
  return sources(join(root, 'apps')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(root, file)}:${i + 1}`] : [])),
  );
}

describe('the event log has one door and one owner', () => {
  it('is reached by the apps through libs/messaging only: no JetStream call of their own', () => {
    // Key-value buckets and leases too are opened through libs/messaging (KvBucket, LeaderLease).
    const raw = linesOfApps(
      /\.jsm?\b|jetstream(Manager)?\(|\.views\.kv\(|readBatch\(|readSubject\(|publishToLog\(|ensure(Event|DeadLetter)Stream\(/,
    );
    expect(raw).toEqual([]);
  });

  it('is appended to by session-lifecycle alone: the gateway hands it session and connection facts', () => {
    const appends = linesOfApps(/\blog\.append\(/);
    expect(appends.filter((at) => !at.startsWith('apps/session-lifecycle/'))).toEqual([]);
    expect(appends.length).toBeGreaterThan(0);
  });

  it('leaves the gateway without a bucket of the log: those key-value buckets belong to session-lifecycle', () => {
    // The trusted issuers bucket is tenant configuration every gateway replica watches to
    // verify tokens without a round trip; it holds nothing of the log.
    const buckets = linesOfApps(/openKvBucket\(/).filter(
      (at) => !at.startsWith('apps/gateway/src/auth/issuers/trusted-issuers.store.ts'),
    );
    expect(buckets.filter((at) => !at.startsWith('apps/session-lifecycle/'))).toEqual([]);
    expect(buckets.length).toBeGreaterThan(0);
  });

  it('is purged by session-lifecycle alone (an erasure asks it), and it does purge', () => {
    const found = linesOfApps(/\blog\.purge\(|streams\.purge\(|tenantStreams\.purge\(/);
    expect(found.filter((at) => !at.startsWith('apps/session-lifecycle/'))).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
  });
});
