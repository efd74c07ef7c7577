import { describe, expect, it } from 'vitest';
import { eventually } from './isolation';

describe('eventually', () => {
  it('returns the first truthy value of the check', async () => {
    let calls = 0;
    expect(await eventually('third call', () => (++calls === 3 ? 'done' : undefined), 2_000, 1)).toBe('done');
    expect(calls).toBe(3);
  });

  it('fails after the timeout, naming what it waited for and the last error', async () => {
    await expect(eventually('the impossible', () => { throw new Error('still broken'); }, 50, 5))
      .rejects.toThrow(/timed out after 50 ms waiting for the impossible: still broken/);
  });
});
