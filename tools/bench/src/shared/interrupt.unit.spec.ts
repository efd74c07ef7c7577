// An interrupted bench cleans up what it registered and exits 130; what it
// released itself is not cleaned twice.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./interrupt.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A process that registers two clean-ups, releases one, says "ready" and waits to be interrupted. */
function bench(dir: string) {
  const script = `
    import { writeFileSync } from 'node:fs';
    import { cleanUpOnInterrupt } from ${JSON.stringify(MODULE)};
    cleanUpOnInterrupt(async () => { await new Promise((r) => setTimeout(r, 50)); writeFileSync(${JSON.stringify(join(dir, 'kept'))}, 'cleaned'); });
    const release = cleanUpOnInterrupt(async () => writeFileSync(${JSON.stringify(join(dir, 'released'))}, 'cleaned'));
    release();
    setInterval(() => undefined, 1_000);
    console.log('ready');
  `;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('cleanUpOnInterrupt', () => {
  it('runs the registered clean-ups on SIGINT, not the released ones, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
    dirs.push(dir);
    const child = bench(dir);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
      child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readFileSync(join(dir, 'kept'), 'utf8')).toBe('cleaned');
    expect(existsSync(join(dir, 'released'))).toBe(false);
    expect(stderr).toContain('SIGINT: removing what this bench created (1 to clean up');
  }, 20_000);
});
