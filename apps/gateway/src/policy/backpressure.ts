// The slow-consumer policy, decided from one socket's buffered bytes. Pure.
// live -> over soft: slow mode (off the topics, periodic conflated snapshots)
// slow -> under half of soft: back to live (resume from what it was told)
// any  -> at or over hard: close (reconnect range); slow for longer than the grace: close.

export interface BackpressureLimits {
  softBackpressureBytes: number;
  hardBackpressureBytes: number;
  slowConsumerGraceMs: number;
}

export type SocketMode = { kind: 'live' } | { kind: 'slow'; sinceMs: number };

export type BackpressureAction = 'stay' | 'enter-slow' | 'leave-slow' | 'close-hard' | 'close-slow';

/** Leaving slow mode waits for the buffer to fall well below soft, so a socket does not flap at the threshold. */
export const LEAVE_SLOW_FRACTION_OF_SOFT = 0.5;

export function decideBackpressure(mode: SocketMode, bufferedBytes: number, nowMs: number, limits: BackpressureLimits): BackpressureAction {
  if (bufferedBytes >= limits.hardBackpressureBytes) return 'close-hard';
  if (mode.kind === 'live') return bufferedBytes > limits.softBackpressureBytes ? 'enter-slow' : 'stay';
  if (bufferedBytes <= limits.softBackpressureBytes * LEAVE_SLOW_FRACTION_OF_SOFT) return 'leave-slow';
  return nowMs - mode.sinceMs >= limits.slowConsumerGraceMs ? 'close-slow' : 'stay';
}
