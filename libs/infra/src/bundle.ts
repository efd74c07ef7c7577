// Service bundles for the production image: each entry and everything it
// imports (workspace libs and npm packages) in one ESM file, so the image
// needs neither tsx nor node_modules — except uWebSockets.js, a native module
// loaded by path, which is copied beside the bundles.
//
// Files the code reads beside itself (schemas, migrations, the web client, the
// demo match) are found through `new URL('..', import.meta.url)`. In a bundle
// import.meta.url is the bundle's, so every workspace file's import.meta.url is
// rewritten to the URL its source had relative to the repository root, resolved
// against the image's root (the folder above dist/). The image then holds those
// files at the same paths as the repository.
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './ts-process';

/** The bundles of the service image: dist/<name>.mjs from each entry. */
export const SERVICE_ENTRIES = {
  'feed-ingest': 'apps/feed-ingest/src/main.ts',
  pricing: 'apps/pricing/src/main.ts',
  settlement: 'apps/settlement/src/main.ts',
  gateway: 'apps/gateway/src/main.ts',
  leaderboard: 'apps/leaderboard/src/main.ts',
  'schema-registry': 'apps/schema-registry/src/main.ts',
  bootstrap: 'apps/cli/src/bootstrap-main.ts',
} as const;

/** Packages left out of the bundles: the native WebSocket server (copied as files) and pg's optional native binding (never installed). */
export const BUNDLE_EXTERNALS = ['uWebSockets.js', 'pg-native'];

/** Rewrites import.meta.url in workspace sources (not node_modules) to the source's own place under the image root. */
function sourceUrls(): Plugin {
  return {
    name: 'inplay-source-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const rel = relative(REPO_ROOT, args.path).split('\\').join('/');
        const url = `new URL(${JSON.stringify(rel)}, new URL('../', import.meta.url)).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

export interface BundleReport {
  files: string[];
  bytes: number;
}

/** Bundles every service entry into `outDir` (dist/<name>.mjs). */
export async function bundleServices(outDir: string): Promise<BundleReport> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(SERVICE_ENTRIES).map(([name, entry]) => [name, join(REPO_ROOT, entry)])),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: false,
    sourcemap: 'linked',
    metafile: true,
    external: BUNDLE_EXTERNALS,
    plugins: [sourceUrls()],
    // CommonJS packages inside an ES module bundle still call require() and read __dirname.
    banner: {
      js: [
        "import { createRequire as __inplayRequire } from 'node:module';",
        "import { fileURLToPath as __inplayPath } from 'node:url';",
        'const require = __inplayRequire(import.meta.url);',
        'const __filename = __inplayPath(import.meta.url);',
        "const __dirname = __inplayPath(new URL('.', import.meta.url));",
      ].join('\n'),
    },
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  return { files: outputs.map(([file]) => file), bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0) };
}
