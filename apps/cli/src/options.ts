// Integer command-line options: one parser and one message for every command.

/** Parses `--name value` as an integer in [min, max]; undefined when the option was not given. */
export function intOption(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < range.min || n > range.max) {
    throw new Error(`--${name} must be an integer in [${range.min}, ${range.max}], got ${JSON.stringify(value)}`);
  }
  return n;
}
