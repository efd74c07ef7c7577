// Wall-clock time of a StatsBomb event. StatsBomb gives the time within the
// period only, so we place each period on a nominal schedule after kick-off
// (45-minute halves, 15-minute half-time break, extra time after a 5-minute
// break with a 2-minute change of ends), pushed later when a period before it
// ran long, so occurredAt never goes backwards.

export const PERIOD_NOMINAL_START_MS: Readonly<Record<number, number>> = {
  1: 0,
  2: 60 * 60_000, // 45 + 15 break
  3: 110 * 60_000, // 105 + 5 break before extra time
  4: 127 * 60_000, // 110 + 15 + 2
  5: 147 * 60_000, // penalty shoot-out, 127 + 15 + 5
};

/** Shortest break assumed between periods when the nominal schedule would overlap. */
export const MIN_PERIOD_BREAK_MS = 60_000;

/** "00:12:34.567" -> 754567. Returns null for anything else. */
export function parsePeriodTimestampMs(timestamp: string): number | null {
  const match = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(timestamp);
  if (!match) return null;
  const [, h, m, s, ms = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms.padEnd(3, '0'));
}

/**
 * Start of each period in ms after kick-off, given the longest timestamp seen
 * in each period: the nominal start, or later if the previous period overran.
 */
export function periodStartsMs(periodLengthsMs: ReadonlyMap<number, number>): Map<number, number> {
  const starts = new Map<number, number>();
  let earliestNextMs = 0;
  for (const period of [...periodLengthsMs.keys()].sort((a, b) => a - b)) {
    const nominalMs = PERIOD_NOMINAL_START_MS[period] ?? earliestNextMs;
    const startMs = Math.max(nominalMs, earliestNextMs);
    starts.set(period, startMs);
    earliestNextMs = startMs + (periodLengthsMs.get(period) ?? 0) + MIN_PERIOD_BREAK_MS;
  }
  return starts;
}
