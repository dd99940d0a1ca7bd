// Builds the dashboard into dist/dashboard: one bundled script (Preact and @cobrowse/client
// included), one stylesheet, one page. Nothing is loaded from outside the gateway.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../../dist/dashboard');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  alias: { '@cobrowse/client': join(here, '../../libs/client/src/index.ts') },
  // The NATS transport of the client is for relays in Node; the dashboard speaks HTTP only.
  external: ['nats'],
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css']) copyFileSync(join(here, 'src', file), join(out, file));
console.log('[dashboard] built into dist/dashboard');
