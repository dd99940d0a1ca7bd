import { join } from 'node:path';

/** Where libs/client/pack.sh unpacked the tarball: the package exactly as `npm install` would lay it out. */
export const PACK_DIR = join(__dirname, '../../.data/client-pack');
export const PACKAGE_DIR = join(PACK_DIR, 'node_modules/@cobrowse/client');
