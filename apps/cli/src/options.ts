// Integer command-line options: one parser and one message for every command.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Parses `--name value` as an integer in [min, max]; undefined when the option was not given. */
export function intOption(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < range.min || n > range.max) {
    throw new Error(`--${name} must be an integer in [${range.min}, ${range.max}], got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Where a report goes: its folder made and checked writable now, not after minutes of measuring. */
export function jsonPath(file: string | undefined, name: string): string {
  const path = resolve(file ?? `bench-results/${name}.json`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    throw new Error(`--json ${file ?? path}: cannot write reports into ${dirname(path)} (${(err as Error).message})`);
  }
  return path;
}
