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

/** Where each app removes messages from a stream (the log, a tenant's copy of it). */
function purges(): string[] {
  return sources(join(root, 'apps')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        /streams\.purge\(|tenantStreams\.purge\(/.test(line) ? [`${relative(root, file)}:${i + 1}`] : [],
      ),
  );
}

describe('the event log has one owner', () => {
  it('is purged by session-lifecycle alone (an erasure asks it), and it does purge', () => {
    const found = purges();
    expect(found.filter((at) => !at.startsWith('apps/session-lifecycle/'))).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
  });
});
