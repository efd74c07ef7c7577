// Picked ports stay out of the kernel's ephemeral range (so no outgoing connection takes a
// killed service's port before it restarts) and are never handed out twice by one process.
import { describe, expect, it } from 'vitest';
import { freePort, freePortRange, pickedPortRange, PICKED_PORT_MIN } from './ports';

describe('picked ports', () => {
  it('come from below the ephemeral range, or above it when too little is left below', () => {
    expect(pickedPortRange([32_768, 60_999])).toEqual([PICKED_PORT_MIN, 32_767]);
    expect(pickedPortRange([15_000, 60_999])).toEqual([61_000, 65_535]);
    expect(pickedPortRange([1_024, 65_000])).toEqual([PICKED_PORT_MIN, 65_535]);
  });

  it('are never handed out twice, singly or as ranges, and lie in the picked range', async () => {
    const [min, max] = pickedPortRange();
    const singles = [];
    for (let i = 0; i < 200; i++) singles.push(await freePort());
    const bases = [];
    for (let i = 0; i < 20; i++) bases.push(await freePortRange(7));
    const all = [...singles, ...bases.flatMap((b) => Array.from({ length: 7 }, (_, k) => b + k))];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((p) => p >= min && p <= max)).toBe(true);
  });
});
