// The supervisor of `inplay up` with real child processes: a service that dies
// is restarted after its backoff and answers /health again; one that keeps
// dying is left down after the crash-loop limit, with its log and what to do;
// a stop on purpose restarts nothing; a failed health check is reported once.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, freePort } from '@inplay/infra';
import { eventually } from '@inplay/testing';
import { supervise, probeHealth, type Supervisor, type SupervisorEvents } from './supervisor';
import { RESTART_LIMITS, type RestartLimits } from './restart-policy';
import { waitForDemoPrices } from './demo-flow';

const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
const children: ManagedProcess[] = [];
const supervisors: Supervisor[] = [];
afterEach(async () => {
  supervisors.splice(0).forEach((s) => s.stop());
  await Promise.all(children.splice(0).map((c) => c.stop(1_000)));
});

/** Short enough for a test, the same rules as inplay up's. */
const FAST: RestartLimits = { ...RESTART_LIMITS, restartInitialDelayMs: 100, restartMaxDelayMs: 400, crashLoopLimit: 3 };

/** Starts a node process running `script` (again on every respawn), logging to <name>.log. */
function spawner(name: string, script: string): () => ManagedProcess {
  return () => {
    const process = new ManagedProcess(name, globalThis.process.execPath, ['-e', script], join(dir, `${name}.log`));
    children.push(process);
    return process;
  };
}

/** A node process that logs a line and serves /health with the given status and body; respawn starts it again on the same port. */
async function service(name: string, healthStatus: number, body: object): Promise<{ process: ManagedProcess; healthUrl: string; respawn: () => ManagedProcess }> {
  const port = await freePort();
  const respawn = spawner(name, `console.log('${name} started on ${port}');
    require('node:http').createServer((q, s) => { s.writeHead(${healthStatus}, {'content-type':'application/json'}); s.end(${JSON.stringify(JSON.stringify(body))}); }).listen(${port}, '127.0.0.1');`);
  const process = respawn();
  const healthUrl = `http://127.0.0.1:${port}/health`;
  await eventually(`${name} to listen`, async () => (await fetch(healthUrl).catch(() => null)) !== null, 10_000);
  return { process, healthUrl, respawn };
}

function start(services: Parameters<typeof supervise>[0], events: Omit<SupervisorEvents, 'report'> = {}, limits: RestartLimits = FAST): { lines: string[]; supervisor: Supervisor } {
  const lines: string[] = [];
  const supervisor = supervise(services, { report: (l) => lines.push(l), ...events }, { healthWatchIntervalMs: 100, limits });
  supervisors.push(supervisor);
  return { lines, supervisor };
}

describe('the supervisor of inplay up', () => {
  it('restarts a service killed with SIGKILL after the backoff, says so, and the service answers /health again', async () => {
    const a = await service('settlement', 200, { status: 'ok' });
    const restarts: { count: number; pid: number | undefined; lastExit: string }[] = [];
    const exits: string[] = [];
    const { lines } = start([{ name: 'settlement', ...a }], { exited: (name, how) => exits.push(`${name}: ${how}`), restarted: (_, r) => restarts.push(r) });
    a.process.child.kill('SIGKILL');
    await eventually('settlement to be back', () => lines.some((l) => l.startsWith('✓ settlement back after')), 15_000);
    expect(lines).toEqual([
      expect.stringMatching(/^\n↻ settlement exited \(killed by SIGKILL\); restarting in 0\.1 s \(restart 1\)\. Last lines of .*settlement\.log:\n {4}settlement started on \d+$/),
      expect.stringMatching(/^✓ settlement back after \d+\.\d s$/),
    ]);
    expect(exits).toEqual(['settlement: killed by SIGKILL']);
    expect(restarts).toEqual([{ count: 1, pid: expect.any(Number), lastExit: 'killed by SIGKILL' }]);
    expect(restarts[0]?.pid).not.toBe(a.process.pid);
    expect(await probeHealth(a.healthUrl)).toEqual({ state: 'ok' });
  });

  it('leaves a service that keeps dying down after the crash-loop limit, naming it, how it exited, its log and what to do', async () => {
    const respawn = spawner('crashy', `console.error('crashy: cannot open the ledger: permission denied'); process.exit(1);`);
    const process = respawn();
    let respawns = 0;
    const gaveUp: { restarts: number; withinMs: number; lastExit: string }[] = [];
    const counted = (): ManagedProcess => { respawns += 1; return respawn(); };
    const { lines } = start([{ name: 'crashy', process, healthUrl: `http://127.0.0.1:${await freePort()}/health`, respawn: counted }], { gaveUp: (_, loop) => gaveUp.push(loop) });
    await eventually('the crash loop to be reported', () => gaveUp.length > 0, 20_000);
    expect(respawns).toBe(FAST.crashLoopLimit);
    expect(gaveUp).toEqual([{ restarts: 3, withinMs: expect.any(Number), lastExit: 'exit code 1' }]);
    // 0.1, 0.2, 0.4 s: doubling from restartInitialDelayMs, then no fourth restart.
    expect(lines.filter((l) => l.includes('↻')).map((l) => /restarting in (\S+ s \(restart \d\))/.exec(l)?.[1])).toEqual(['0.1 s (restart 1)', '0.2 s (restart 2)', '0.4 s (restart 3)']);
    const report = lines.at(-1) ?? '';
    expect(report).toMatch(/✗ crashy is in a crash loop: it exited \(exit code 1\) after 3 restarts in \d+ s, so inplay up no longer restarts it; the rest of the stack keeps running\. Last lines of .*crashy\.log:/);
    expect(report).toContain('    crashy: cannot open the ledger: permission denied');
    expect(report).toMatch(/What to do: find the cause in its log \(.*crashy\.log\), fix it, then start the stack again/);
  });

  it('restarts nothing once stopped: neither a service stopped on purpose nor a restart already pending', async () => {
    const pending = await service('pricing', 200, { status: 'ok' });
    const onPurpose = await service('leaderboard', 200, { status: 'ok' });
    const control = await service('gateway-1', 200, { status: 'ok' });
    const respawned: string[] = [];
    const counting = (name: string, s: { respawn: () => ManagedProcess }) => () => { respawned.push(name); return s.respawn(); };
    const slow = { ...FAST, restartInitialDelayMs: 500, restartMaxDelayMs: 500 };
    const { lines, supervisor } = start([
      { name: 'pricing', ...pending, respawn: counting('pricing', pending) },
      { name: 'leaderboard', ...onPurpose, respawn: counting('leaderboard', onPurpose) },
    ], {}, slow);
    pending.process.child.kill('SIGKILL');
    await eventually('the restart of pricing to be scheduled', () => lines.some((l) => l.includes('↻ pricing')), 5_000);
    // What inplay up does on Ctrl-C or `inplay down`: the supervisor first, then each service.
    supervisor.stop();
    await onPurpose.process.stop(1_000);
    expect(lines.filter((l) => l.includes('leaderboard'))).toEqual([]);
    // Control: a restart with the same delay scheduled later has happened, so pricing's would have too.
    const other = start([{ name: 'gateway-1', ...control, respawn: counting('gateway-1', control) }], {}, slow);
    control.process.child.kill('SIGKILL');
    await eventually('the control to be restarted', () => respawned.includes('gateway-1'), 5_000);
    expect(respawned).toEqual(['gateway-1']);
    expect(other.lines[0]).toContain('↻ gateway-1 exited');
  });

  it('only reports an exit when it cannot restart the service, once, with how it ended and the last lines of its log', async () => {
    const a = await service('settlement', 200, { status: 'ok' });
    const exits: string[] = [];
    const { lines } = start([{ name: 'settlement', process: a.process, healthUrl: a.healthUrl }], { exited: (name, how) => exits.push(`${name}: ${how}`) });
    a.process.child.kill('SIGKILL');
    await eventually('the exit to be reported', () => lines.length > 0, 5_000);
    expect(lines).toEqual([expect.stringMatching(/✗ settlement exited \(killed by SIGKILL\)\. Last lines of .*settlement\.log:\n {4}settlement started on \d+/)]);
    expect(exits).toEqual(['settlement: killed by SIGKILL']);
  });

  it('reports a failed health (the demo replay) once, and says nothing of a healthy service', async () => {
    const bad = await service('feed-ingest', 503, { status: 'failed', reason: 'demo replay failed: StatsBomb file x.json: no such file' });
    const good = await service('pricing', 200, { status: 'ok' });
    const { lines, supervisor } = start([{ name: 'feed-ingest', ...bad }, { name: 'pricing', ...good }]);
    await eventually('the failure to be reported', () => lines.length > 0, 5_000);
    const reportedAt = supervisor.rounds;
    await eventually('three more health rounds', () => supervisor.rounds >= reportedAt + 3, 5_000);
    expect(lines).toEqual([expect.stringContaining('✗ feed-ingest reports a failure: demo replay failed: StatsBomb file x.json: no such file')]);
  });

  it('stops waiting for the demo at once when feed-ingest reports a failure, naming it', async () => {
    const feed = await service('feed-ingest', 503, { status: 'failed', reason: 'demo replay failed: bad file' });
    const started = Date.now();
    const flow = await waitForDemoPrices({ gatewayUrl: `http://127.0.0.1:${await freePort()}`, sinceMs: Date.now(), services: [{ info: { name: 'feed-ingest', healthUrl: feed.healthUrl }, process: feed.process }], timeoutMs: 30_000 });
    expect(flow).toEqual({ ok: false, problem: expect.stringContaining('feed-ingest reports a failure: demo replay failed: bad file') });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
