// The web client's production build (Vite) into apps/web/dist, which the
// gateway serves; `inplay up` and the service image both need it.
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { REPO_ROOT } from './ts-process';

export async function buildWebClient(logFile: string): Promise<void> {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = new ManagedProcess('web-build', process.execPath, [vite, 'build', '--logLevel', 'warn'], logFile, { cwd: join(REPO_ROOT, 'apps', 'web') });
  const code = await build.whenExited();
  if (code !== 0) throw new Error(`building the web client failed (exit ${code}):\n${build.lastLines()}`);
}
