import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder up from here holding nest-cli.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (nest-cli.json)');
    dir = parent;
  }
  return dir;
}

export const toolsBin = () => resolve(repoRoot(), '.tools/bin');
export const serviceEntry = (service: string) => resolve(repoRoot(), `dist/apps/${service}/src/main.js`);
