// `inplay down`: stops a running `inplay up` (which then stops what it
// started, in order) and any infrastructure process left behind by a crash.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readStackState, clearStackState, isAlive, stopByPidFile } from '@inplay/infra';
import { loadSettings } from '../settings';

const UP_STOP_TIMEOUT_MS = 60_000;

export async function down(): Promise<void> {
  const settings = loadSettings();
  const state = readStackState(settings.stateDir);
  const stopped: string[] = [];
  if (state && isAlive(state.upPid)) {
    process.kill(state.upPid, 'SIGTERM');
    const deadline = Date.now() + UP_STOP_TIMEOUT_MS;
    while (isAlive(state.upPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (isAlive(state.upPid)) process.kill(state.upPid, 'SIGKILL');
    stopped.push(`inplay up (pid ${state.upPid})`);
  }
  // Left-overs from an `up` that was killed without cleaning up.
  const runDir = join(settings.stateDir, 'run');
  for (const name of ['registry', 'kafka']) {
    if (await stopByPidFile(join(runDir, `${name}.pid`))) stopped.push(name);
  }
  const postmaster = join(settings.stateDir, 'postgres', 'postmaster.pid');
  if (existsSync(postmaster)) {
    const pid = Number(readFileSync(postmaster, 'utf8').split('\n')[0]);
    if (pid > 0 && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 20_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      stopped.push('postgres');
    }
  }
  // Containers of an `up --infra=containers` killed before it could remove them (even before it wrote its
  // state): they carry this state dir's label. Without a Docker engine there are none.
  const { removeStackContainers } = await import('@inplay/infra/containers');
  const removed = await removeStackContainers(settings.stateDir);
  if (removed.length > 0) stopped.push(`containers ${removed.join(', ')}`);
  clearStackState(settings.stateDir);
  console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running.');
}
