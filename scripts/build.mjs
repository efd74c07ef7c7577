#!/usr/bin/env node
// `nx build <app>`: bundles an app's entry (src/main.ts) and the workspace libs
// it uses into dist/main.js; npm packages stay external (installed at runtime).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const appDir = process.cwd();
const root = join(appDir, '..', '..');
const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entry = process.argv[2] ?? 'src/main.ts';

const result = await build({
  entryPoints: [join(appDir, entry)],
  outfile: join(appDir, 'dist', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  metafile: true,
  external: [...Object.keys(dependencies), 'pg-native'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`built ${join(appDir, 'dist', 'main.js')} (${(bytes / 1024).toFixed(0)} KiB with source map)`);
