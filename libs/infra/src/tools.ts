// The offline tools our checks run, installed once into the cache (never into
// the repository): a runner that keeps the tail of a failing tool's output, and
// Python tools from PyPI, each pinned, in a virtualenv of its own
// (kubernetes-validate for deploy/, schemathesis for the HTTP contract).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

/** The tail of a failing tool's output kept for its error message. */
const ERROR_TAIL_CHARS = 4_000;

export interface ToolRun { stdout: string }

/** Runs a tool; rejects with its exit code and the tail of its stderr, or with `missing` when it cannot be started. */
export function runTool(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; missing: string }): Promise<ToolRun> {
  return new Promise<ToolRun>((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-ERROR_TAIL_CHARS); });
    child.once('error', (e) => reject(new Error(`${options.missing}: ${e.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr}${stdout.slice(-ERROR_TAIL_CHARS)}`))));
  });
}

/** A command-line tool from PyPI: the package, its pinned version and the executable it installs. */
export interface PythonTool {
  pypiPackage: string;
  version: string;
  executable: string;
}

/** The folder of a tool's virtualenv under the cache (one per pinned version, so a new pin installs afresh). */
export function pythonToolVenv(cacheDir: string, tool: PythonTool): string {
  return join(cacheDir, `${tool.pypiPackage}-${tool.version}-venv`);
}

/** The path of the tool's executable, pip-installed into its own virtualenv under the cache on first use. */
export async function ensurePythonTool(cacheDir: string, tool: PythonTool): Promise<string> {
  const venv = pythonToolVenv(cacheDir, tool);
  const executable = join(venv, 'bin', tool.executable);
  if (existsSync(executable)) return executable;
  mkdirSync(cacheDir, { recursive: true });
  try {
    await runTool('python3', ['-m', 'venv', venv], { missing: `python3 is needed for ${tool.pypiPackage} (apt-get install python3 python3-venv)` }).catch((err: Error) => {
      throw new Error(`python3 -m venv failed; on Debian or Ubuntu: apt-get install python3-venv\n${err.message}`);
    });
    await runTool(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${tool.pypiPackage}==${tool.version}`], { missing: `no pip in ${venv}` });
  } catch (err) {
    // Half an install would pass the existsSync check next time only if pip got that far: start clean.
    rmSync(venv, { recursive: true, force: true });
    throw err;
  }
  if (!existsSync(executable)) throw new Error(`${tool.pypiPackage}==${tool.version} installed no ${tool.executable} in ${venv}/bin`);
  return executable;
}
