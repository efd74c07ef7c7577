// The supervisor of `inplay up` with real child processes: an exit and a
// failed health check are each reported once, with the name and the log's tail.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, freePort } from '@inplay/infra';
import { eventually } from '@inplay/testing';
import { supervise, type Supervisor } from './supervisor';
import { waitForDemoPrices } from './demo-flow';

const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
const children: ManagedProcess[] = [];
let supervisor: Supervisor | undefined;
afterEach(async () => {
  supervisor?.stop();
  await Promise.all(children.map((c) => c.stop(1_000)));
});

/** A node process that logs a line and serves /health with the given status and body. */
async function service(name: string, healthStatus: number, body: object): Promise<{ process: ManagedProcess; healthUrl: string }> {
  const port = await freePort();
  const script = `console.log('${name} started on ${port}');
    require('node:http').createServer((q, s) => { s.writeHead(${healthStatus}, {'content-type':'application/json'}); s.end(${JSON.stringify(JSON.stringify(body))}); }).listen(${port}, '127.0.0.1');`;
  const process = new ManagedProcess(name, globalThis.process.execPath, ['-e', script], join(dir, `${name}.log`));
  children.push(process);
  const healthUrl = `http://127.0.0.1:${port}/health`;
  await eventually(`${name} to listen`, async () => (await fetch(healthUrl).catch(() => null)) !== null, 10_000);
  return { process, healthUrl };
}

describe('the supervisor of inplay up', () => {
  it('reports a service that dies, with how it ended and the last lines of its log, once', async () => {
    const a = await service('settlement', 200, { status: 'ok' });
    const lines: string[] = [];
    const exits: string[] = [];
    supervisor = supervise([{ name: 'settlement', ...a }], { report: (l) => lines.push(l), exited: (name, how) => exits.push(`${name}: ${how}`) }, 100);
    a.process.child.kill('SIGKILL');
    await eventually('the exit to be reported', () => lines.length > 0, 5_000);
    expect(lines).toEqual([expect.stringMatching(/✗ settlement exited \(killed by SIGKILL\)\. Last lines of .*settlement\.log:\n {4}settlement started on \d+/)]);
    expect(exits).toEqual(['settlement: killed by SIGKILL']);
  });

  it('reports a failed health (the demo replay) once, and says nothing of a healthy service', async () => {
    const bad = await service('feed-ingest', 503, { status: 'failed', reason: 'demo replay failed: StatsBomb file x.json: no such file' });
    const good = await service('pricing', 200, { status: 'ok' });
    const lines: string[] = [];
    supervisor = supervise([{ name: 'feed-ingest', ...bad }, { name: 'pricing', ...good }], { report: (l) => lines.push(l) }, 100);
    await eventually('the failure to be reported', () => lines.length > 0, 5_000);
    const reportedAt = supervisor.rounds;
    await eventually('three more health rounds', () => (supervisor?.rounds ?? 0) >= reportedAt + 3, 5_000);
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
