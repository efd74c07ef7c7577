// Plain-text tables for what commands and benchmarks print: every column as
// wide as its widest cell, two spaces apart; text columns flush left, numbers
// flush right.

export interface TextTableOptions {
  /** Which columns are flush left (default: the first). */
  left?: (column: number, columns: number) => boolean;
  /** A dashed rule under the header. */
  rule?: boolean;
}

/** The header line, the optional rule, then one line per row. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], options: TextTableOptions = {}): string[] {
  const left = options.left ?? ((column: number) => column === 0);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (left(i, cells.length) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...(options.rule ? [line(widths.map((w) => '-'.repeat(w)))] : []), ...rows.map(line)];
}
