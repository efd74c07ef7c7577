// CPU time read by the bench driver from /proc, for every process it cares
// about: a saturated process that cannot answer still has its CPU counted.
import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
export const PROC_TICKS_PER_SECOND = 100;

/** CPU time (user + system, ms) a process has used so far; null where it is gone or /proc is not there. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000) / PROC_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy and total CPU time (ms) of the whole machine so far, all cores together, from /proc/stat. */
export function machineCpuMs(): { busyMs: number; totalMs: number } | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = first.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busyMs: ((total - idle) * 1_000) / PROC_TICKS_PER_SECOND, totalMs: (total * 1_000) / PROC_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU used over a window, per named process and for the machine: ms of CPU and cores busy on average. */
export interface CpuWindow {
  wallMs: number;
  /** Per process: CPU ms in the window and its average in cores (1 = one core saturated); null where it could not be read. */
  processes: Record<string, { cpuMs: number; cores: number } | null>;
  /** The machine: busy CPU ms and its average in cores. */
  machine: { cpuMs: number; cores: number } | null;
}

/**
 * Starts a CPU window over the named pids; `stop()` closes it. The pids are
 * read by this process (the driver), never asked of the processes themselves.
 */
export function startCpuWindow(pids: Record<string, number>, now: () => number = () => performance.now()): { stop(): CpuWindow } {
  const startedAt = now();
  const first = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));
  const machineFirst = machineCpuMs();
  return {
    stop() {
      const wallMs = Math.max(1, now() - startedAt);
      const processes: CpuWindow['processes'] = {};
      for (const [name, pid] of Object.entries(pids)) {
        const before = first[name];
        const after = processCpuMs(pid);
        processes[name] = before === null || before === undefined || after === null ? null : { cpuMs: after - before, cores: round2((after - before) / wallMs) };
      }
      const machineLast = machineCpuMs();
      const machine = machineFirst && machineLast ? { cpuMs: machineLast.busyMs - machineFirst.busyMs, cores: round2((machineLast.busyMs - machineFirst.busyMs) / wallMs) } : null;
      return { wallMs: Math.round(wallMs), processes, machine };
    },
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
