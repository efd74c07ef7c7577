// Command-line options: one parser and one message per kind of value, for
// every command. Each returns the value inside its limits, undefined when the
// option was not given, or throws an Error that names the option and what it
// got, before the command does anything.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Decimal digits only: Number() would also read "0x10", "1e3", "0b1" and "" (as 0). */
const DECIMAL_INTEGER = /^[+-]?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** Euros with at most two decimals: money is integer cents, never rounded. */
const EUROS = /^(\d+)(?:\.(\d{1,2}))?$/;
/** An ISO 8601 date or date-time (Date.parse alone reads "1" as the year 2001). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const got = (value: string) => `got ${JSON.stringify(value)}`;

/** Parses `--name value` as an integer in [min, max]; undefined when the option was not given. */
export function intOption(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!DECIMAL_INTEGER.test(value.trim()) || !Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new Error(`--${name} must be an integer in [${range.min}, ${range.max}], ${got(value)}`);
  }
  return n;
}

/** A decimal number in (min, max] (`minExclusive`) or [min, max]. */
export function numberOption(name: string, value: string | undefined, range: { min: number; max: number; minExclusive?: boolean }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  const aboveMin = range.minExclusive ? n > range.min : n >= range.min;
  if (!DECIMAL_NUMBER.test(value.trim()) || !Number.isFinite(n) || !aboveMin || n > range.max) {
    throw new Error(`--${name} must be a number in ${range.minExclusive ? '(' : '['}${range.min}, ${range.max}], ${got(value)}`);
  }
  return n;
}

/** A comma-separated list of known names (spaces around them ignored, repeats kept once). */
export function listOption<T extends string>(name: string, value: string | undefined, known: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  // includes, not `in`: a name such as "constructor" must not pass as known through Object.prototype.
  if (names.length === 0 || names.some((n) => !(known as readonly string[]).includes(n))) {
    throw new Error(`--${name} takes a comma-separated list of ${known.join(', ')}; ${got(value)}`);
  }
  return [...new Set(names)] as T[];
}

/** A comma-separated list of integers in [min, max], each a `what` (offered orders/s, say). */
export function intListOption(name: string, value: string | undefined, range: { min: number; max: number }, what = 'numbers'): number[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  const numbers = items.map(Number);
  if (items.some((s) => !DECIMAL_INTEGER.test(s)) || numbers.some((n) => !Number.isSafeInteger(n) || n < range.min || n > range.max)) {
    throw new Error(`--${name} takes a comma-separated list of ${what} (integers in [${range.min}, ${range.max}]), ${got(value)}`);
  }
  return numbers;
}

/** An amount in euros ("12", "12.5", "12.50") as integer cents, at most `maxCents`. */
export function eurosOption(name: string, value: string | undefined, maxCents: number): number | undefined {
  if (value === undefined) return undefined;
  const match = EUROS.exec(value.trim());
  const cents = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
  if (!Number.isSafeInteger(cents) || cents > maxCents) {
    throw new Error(`--${name} must be an amount in euros (at most 2 decimals, up to ${maxCents / 100}), ${got(value)}`);
  }
  return cents;
}

/** An ISO 8601 date or date-time as epoch ms. */
export function timeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = ISO_DATE_TIME.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (Number.isNaN(ms)) throw new Error(`--${name} must be an ISO 8601 date/time (e.g. 2026-11-24T18:00:00Z), ${got(value)}`);
  return ms;
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
