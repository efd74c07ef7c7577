#!/usr/bin/env node
// `npm start` / `npm test` on a fresh clone: install the locked dependencies
// first (npm ci) when node_modules is missing or older than package-lock.json,
// so a new user needs no step beyond the one command. Plain Node, no packages.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(ROOT, 'node_modules', '.package-lock.json');
const lock = join(ROOT, 'package-lock.json');

const stale = !existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.error(existsSync(installed) ? 'package-lock.json changed: reinstalling dependencies (npm ci)…' : 'first run: installing dependencies (npm ci)…');
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error('npm ci failed: see above (is the npm registry reachable?)');
    process.exit(res.status ?? 1);
  }
}
