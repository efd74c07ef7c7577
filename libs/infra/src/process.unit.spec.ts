import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { GiveUp, ManagedProcess, isAlive, stopByPidFile, waitUntil } from './process';
import { assertPortFree, freePort, isListening } from './ports';

const dir = mkdtempSync(join(tmpdir(), 'inplay-process-'));

describe('managed processes', () => {
  it('logs output to a file, keeps a pid file while running and stops on SIGTERM', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const p = new ManagedProcess('sleeper', process.execPath, ['-e', 'console.log("hello"); setInterval(() => {}, 1000)'], join(dir, 'sleeper.log'), { pidFile });
    await waitUntil('pid file', async () => existsSync(pidFile), 5_000);
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(p.pid);
    await waitUntil('output', async () => p.lastLines().includes('hello'), 5_000);
    await p.stop();
    expect(p.running).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(readFileSync(join(dir, 'sleeper.log'), 'utf8')).toContain('hello');
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const p = new ManagedProcess('stubborn', process.execPath, ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'], join(dir, 'stubborn.log'));
    await waitUntil('ready', async () => p.lastLines().includes('ready'), 5_000);
    await p.stop(200);
    expect(p.running).toBe(false);
    expect(isAlive(p.pid as number)).toBe(false);
  });

  it('stops a process known only by its pid file (inplay down after a crash)', async () => {
    const pidFile = join(dir, 'orphan.pid');
    const p = new ManagedProcess('orphan', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], join(dir, 'orphan.log'), { pidFile });
    await waitUntil('pid file', async () => existsSync(pidFile), 5_000);
    expect(await stopByPidFile(pidFile)).toBe(true);
    await p.whenExited();
    expect(await stopByPidFile(pidFile)).toBe(false);
  });

  it('gives up waiting at once when the check says so', async () => {
    const started = Date.now();
    await expect(waitUntil('broker', async () => { throw new GiveUp('it exited'); }, 10_000)).rejects.toThrow('it exited');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('ports', () => {
  it('names the setting and what to do when a port is taken', async () => {
    const port = await freePort();
    const server = createServer().listen(port, '127.0.0.1');
    await waitUntil('listening', () => isListening(port), 2_000);
    await expect(assertPortFree(port, 'INPLAY_KAFKA_PORT')).rejects.toThrow(`INPLAY_KAFKA_PORT: port ${port} on 127.0.0.1 is already in use`);
    server.close();
    await waitUntil('closed', async () => !(await isListening(port)), 2_000);
    await expect(assertPortFree(port, 'INPLAY_KAFKA_PORT')).resolves.toBeUndefined();
  });
});
