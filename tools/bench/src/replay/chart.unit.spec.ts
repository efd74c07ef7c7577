// The replay chart: one throughput bar per pipeline against the goal, and the
// stages of each median run placed on one time axis.
import { describe, expect, it } from 'vitest';
import { replayChartSvg } from './chart';

describe('replayChartSvg', () => {
  const svg = replayChartSvg([
    { name: 'sequential', equal: true, eventsPerSec: { median: 50_000, min: 48_000, max: 52_000 }, durationMs: 6_400, spans: { readTopics: [10, 2_100], readLive: [5, 2_300], compare: [3_000, 3_900] } },
    { name: 'streaming', equal: false, eventsPerSec: { median: 90_000, min: 85_000, max: 95_000 }, durationMs: 3_500, spans: { readTopics: [10, 2_000], writeRebuiltDatabase: [2_100, 3_400] } },
  ], 150_000, 'replay <test>');

  it('is one SVG document naming each pipeline, the goal and an unequal run', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('goal 150,000');
    expect(svg).toContain('streaming (NOT EQUAL)');
    expect(svg).toContain('replay &lt;test>');
  });

  it('draws one span per stage of each run, the overlapped ones starting before the others end', () => {
    const spans = [...svg.matchAll(/<title>(\w+) (\d+)–(\d+) ms<\/title>/g)].map((m) => m[1]);
    expect(spans).toEqual(['readTopics', 'readLive', 'compare', 'readTopics', 'writeRebuiltDatabase']);
  });
});
