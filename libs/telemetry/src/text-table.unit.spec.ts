import { describe, expect, it } from 'vitest';
import { textTable } from './text-table';

describe('textTable', () => {
  it('pads every column to its widest cell, text left and numbers right, with an optional rule', () => {
    expect(textTable(['policy', 'P&L €'], [['none', '301.05'], ['event-time-void', '0.00']], { rule: true })).toEqual([
      'policy            P&L €',
      '---------------  ------',
      'none             301.05',
      'event-time-void    0.00',
    ]);
  });

  it('takes the flush-left columns from the caller and trims trailing spaces', () => {
    expect(textTable(['n', 'user', 'note'], [['1', 'a', 'x'], ['10', 'bbb', '']], { left: (i, n) => i === 1 || i === n - 1 })).toEqual([
      ' n  user  note',
      ' 1  a     x',
      '10  bbb',
    ]);
  });
});
