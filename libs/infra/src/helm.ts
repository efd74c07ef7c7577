// Helm for checking deploy/helm: built from the Go module proxy (the only way
// to get it here) into the cache, once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm';
export const HELM_VERSION = 'v3.22.0';

export async function ensureHelm(cacheDir: string): Promise<string> {
  const bin = join(cacheDir, 'bin');
  const helm = join(bin, 'helm');
  if (existsSync(helm)) return helm;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', `${HELM_MODULE}@${HELM_VERSION}`], { env: { ...process.env, GOBIN: bin }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4_000); });
    child.once('error', (e) => reject(new Error(`go is needed to build helm: ${e.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install ${HELM_MODULE}@${HELM_VERSION} failed (exit ${code}):\n${err}`))));
  });
  return helm;
}
