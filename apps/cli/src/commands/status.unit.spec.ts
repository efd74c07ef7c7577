import { describe, expect, it } from 'vitest';
import type { ServiceState } from '@inplay/infra';
import { serviceStatus, statusLine } from './status';

const settlement: ServiceState = { name: 'settlement', pid: 42, address: 'metrics http://127.0.0.1:9403/metrics', healthUrl: 'http://127.0.0.1:9403/health', logFile: '/state/logs/settlement.log' };
const refused = { state: 'unreachable', reason: 'fetch failed' } as const;

describe('inplay status of a service', () => {
  it('shows a restarted service up, with its restarts in the text and the JSON', () => {
    const restarts = { count: 1, lastAt: '2025-05-01T10:00:03.000Z', lastExit: 'killed by SIGKILL' };
    const status = serviceStatus({ ...settlement, restarts }, { state: 'ok' });
    expect(status).toEqual({ name: 'settlement', status: 'up', address: settlement.address, version: 'ok', restarts });
    expect(statusLine(status)).toMatch(/^up\s+settlement\s+metrics \S+\s+ok; restarts 1 \(last at 2025-05-01T10:00:03\.000Z, after: killed by SIGKILL\)$/);
  });

  it('shows a service that never restarted as before: no restarts field', () => {
    const status = serviceStatus(settlement, { state: 'ok' });
    expect(status).not.toHaveProperty('restarts');
    expect(statusLine(status)).toMatch(/^up\s+settlement\s+metrics \S+\s+ok$/);
  });

  it('shows a service that exited, how and when, with its log', () => {
    const status = serviceStatus({ ...settlement, exited: { how: 'exit code 1', at: '2025-05-01T10:00:00.000Z' } }, refused);
    expect(status).toMatchObject({ status: 'down', error: 'exited (exit code 1) at 2025-05-01T10:00:00.000Z; log: /state/logs/settlement.log' });
  });

  it('shows a crash-looped service down (crash loop: N restarts in M s), not restarted again', () => {
    const state: ServiceState = {
      ...settlement,
      exited: { how: 'exit code 1', at: '2025-05-01T10:00:49.000Z' },
      restarts: { count: 5, lastAt: '2025-05-01T10:00:46.000Z', lastExit: 'exit code 1' },
      crashLoop: { restarts: 5, withinMs: 45_200, at: '2025-05-01T10:00:49.000Z' },
    };
    const status = serviceStatus(state, refused);
    expect(status).toMatchObject({
      status: 'down',
      error: 'crash loop: 5 restarts in 45 s, not restarted again; last exited (exit code 1) at 2025-05-01T10:00:49.000Z; log: /state/logs/settlement.log',
      restarts: { count: 5 },
      crashLoop: { restarts: 5, withinMs: 45_200 },
    });
    expect(statusLine(status)).toMatch(/^down \(crash loop: 5 restarts in 45 s\)\s+settlement\s/);
  });

  it('shows a failed health as failed, with the reason', () => {
    expect(serviceStatus(settlement, { state: 'failed', reason: 'demo replay failed' })).toMatchObject({ status: 'failed', error: 'demo replay failed; log: /state/logs/settlement.log' });
  });
});
