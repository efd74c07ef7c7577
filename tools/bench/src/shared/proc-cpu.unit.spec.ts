import { describe, expect, it } from 'vitest';
import { machineCpuMs, processCpuMs, startCpuWindow } from './proc-cpu';

describe('CPU from /proc', () => {
  it('reads this process and sees it grow while it works', () => {
    const before = processCpuMs(process.pid);
    expect(before).not.toBeNull();
    const window = startCpuWindow({ self: process.pid });
    const until = performance.now() + 150;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const w = window.stop();
    expect(x).toBeGreaterThan(0);
    expect(w.processes['self']?.cpuMs).toBeGreaterThanOrEqual(50);
    expect(w.machine?.cpuMs).toBeGreaterThanOrEqual(w.processes['self']!.cpuMs - 20);
  });

  it('says null for a process that is not there', () => {
    expect(processCpuMs(2 ** 30)).toBeNull();
    expect(startCpuWindow({ gone: 2 ** 30 }).stop().processes['gone']).toBeNull();
    expect(machineCpuMs()?.totalMs).toBeGreaterThan(0);
  });
});
