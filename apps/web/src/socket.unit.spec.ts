import { describe, expect, it } from 'vitest';
import { unbatch } from './socket';

describe('the page reads a batch frame as its messages', () => {
  it('unpacks a batch in order and leaves any other frame as one message', () => {
    const t1 = { type: 'tick', player: 'p1', seq: 43, prevSeq: 42 };
    const t2 = { type: 'tick', player: 'p1', seq: 44, prevSeq: 43 };
    expect(unbatch({ type: 'batch', messages: [t1, t2] })).toEqual([t1, t2]);
    expect(unbatch(t1)).toEqual([t1]);
    expect(unbatch({ type: 'batch' })).toEqual([{ type: 'batch' }]);
  });
});
