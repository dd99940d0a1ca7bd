import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from '@cobrowse/client';
import { PACK_DIR, PACKAGE_DIR } from './packed';

/** The tarball as a user installs it: both module systems, typings, nothing it does not need. */
describe('the packed @cobrowse/client', () => {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));

  it('is what the tests load, not the sources', () => {
    expect(require.resolve('@cobrowse/client')).toBe(join(PACKAGE_DIR, 'dist/cjs/index.js'));
  });

  it('exports the same API to require and import', () => {
    const names = (kind: 'cjs' | 'esm') =>
      execFileSync(
        process.execPath,
        kind === 'esm'
          ? [
              '--input-type=module',
              '-e',
              "import * as c from '@cobrowse/client'; console.log(Object.keys(c).sort().join())",
            ]
          : ['-e', "console.log(Object.keys(require('@cobrowse/client')).sort().join())"],
        { cwd: PACK_DIR, encoding: 'utf8' },
      ).trim();
    expect(names('esm')).toBe(names('cjs'));
    expect(names('cjs')).toBe(Object.keys(client).sort().join());
    expect(names('cjs').split(',')).toEqual(
      expect.arrayContaining(['CobrowseClient', 'RelayClient', 'CobrowseError']),
    );
  });

  it('ships typings and its README, and depends on nothing at run time', () => {
    expect(existsSync(join(PACKAGE_DIR, manifest.types))).toBe(true);
    expect(existsSync(join(PACKAGE_DIR, 'README.md'))).toBe(true);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependenciesMeta.nats.optional).toBe(true);
    expect(existsSync(join(PACKAGE_DIR, 'src'))).toBe(false);
  });
});
