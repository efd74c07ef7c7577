// Command-line options fuzzed: any argument (argv text is NUL-free, well-formed
// UTF-8) gives a value inside the option's limits that reads back as written,
// or an Error that names the option, before the command does anything.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRICKY_STRINGS } from '@inplay/testing/fuzz';
import { parseScenarios, SCENARIO_NAMES, scenariosFor } from './chaos/plan';
import { MAX_GATEWAYS, serviceOptions } from './commands/up';
import { eurosOption, intListOption, intOption, jsonPath, listOption, numberOption, timeOption } from './options';

const RUNS = { numRuns: 1_000 };
/** What a shell can pass as one argument: no NUL; Node decodes argv as UTF-8, so no lone surrogate either. */
const argText = (maxLength = 24) => fc.string({ unit: 'binary', maxLength }).filter((s) => !s.includes('\u0000'));
const numberLike = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS).filter((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s)),
  fc.constantFrom('0x10', '0o7', '0b11', '1e3', '1E-2', '+5', '-5', '05', ' 7 ', '7\n', '1,5', '1.', '.5', '١٢', '12.345', '12.30', 'Infinity', '9'.repeat(20)),
  fc.integer().map(String), fc.double().map(String), argText(),
);

/** The option's Error, or the value: anything else escaping is a crash. */
function outcome<T>(parse: () => T): { value: T } | { error: string } {
  try {
    return { value: parse() };
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return { error: (err as Error).message };
  }
}

describe('number options, fuzzed', () => {
  it('reads an integer option as decimal digits in range, or names the option', () => {
    fc.assert(fc.property(numberLike, (text) => {
      const result = outcome(() => intOption('limit', text, { min: 0, max: 10_000 }));
      if ('error' in result) { expect(result.error).toMatch(/^--limit must be an integer in \[0, 10000\], got /); return; }
      expect(Number.isSafeInteger(result.value) && result.value! >= 0 && result.value! <= 10_000).toBe(true);
      expect(text.trim()).toMatch(/^[+-]?\d+$/);
      expect(Number(text.trim())).toBe(result.value);
    }), RUNS);
  });

  it('reads a number option as a decimal in range, or names the option', () => {
    fc.assert(fc.property(numberLike, (text) => {
      const result = outcome(() => numberOption('speed', text, { min: 0, max: 1_000, minExclusive: true }));
      if ('error' in result) { expect(result.error).toMatch(/^--speed must be a number in \(0, 1000\], got /); return; }
      expect(Number.isFinite(result.value) && result.value! > 0 && result.value! <= 1_000).toBe(true);
      expect(text.trim()).toMatch(/^[+-]?(\d+(\.\d*)?|\.\d+)$/);
    }), RUNS);
  });

  it('reads euros as whole cents without rounding, or names the option', () => {
    fc.assert(fc.property(fc.oneof(numberLike, fc.tuple(fc.nat(10_000_000), fc.nat(99)).map(([e, c]) => `${e}.${String(c).padStart(2, '0')}`)), (text) => {
      const result = outcome(() => eurosOption('cash', text, 100_000_000_000));
      if ('error' in result) { expect(result.error).toMatch(/^--cash must be an amount in euros/); return; }
      expect(Number.isSafeInteger(result.value) && result.value! >= 0 && result.value! <= 100_000_000_000).toBe(true);
      // Reads back: the cents are exactly what the text says.
      expect(result.value! / 100).toBe(Number(text.trim()));
    }), RUNS);
  });

  it.each([['12.345'], ['0x10'], [''], ['1e3'], ['-1']])('refuses --cash %j (was rounded, read as hex or as 0)', (text) => {
    expect(() => eurosOption('cash', text, 100_000_000_000)).toThrow(/^--cash must be an amount in euros/);
  });

  it.each([['0x10'], ['1e3'], ['0b11']])('refuses --limit %j (Number() read it as a number)', (text) => {
    expect(() => intOption('limit', text, { min: 0, max: 10_000 })).toThrow(/^--limit must be an integer/);
  });

  it('reads --gateways and --speed of inplay up within their limits, or names the option', () => {
    fc.assert(fc.property(fc.option(numberLike, { nil: undefined }), fc.option(numberLike, { nil: undefined }), (gateways, speed) => {
      const result = outcome(() => serviceOptions({ ...(gateways !== undefined ? { gateways } : {}), ...(speed !== undefined ? { speed } : {}) }));
      if ('error' in result) { expect(result.error).toMatch(/^--(gateways|speed) must be/); return; }
      expect(Number.isInteger(result.value.gateways) && result.value.gateways >= 1 && result.value.gateways <= MAX_GATEWAYS).toBe(true);
      expect(result.value.demoSpeed >= 0 && result.value.demoSpeed <= 1_000).toBe(true);
    }), RUNS);
  });

  it('reads a list of integers, or names the option', () => {
    fc.assert(fc.property(fc.array(numberLike, { maxLength: 4 }).map((items) => items.join(',')), (text) => {
      const result = outcome(() => intListOption('rates', text, { min: 1, max: 100_000 }));
      if ('error' in result) { expect(result.error).toMatch(/^--rates takes a comma-separated list of numbers \(integers in \[1, 100000\]\), got /); return; }
      expect(result.value!.length).toBeGreaterThan(0);
      for (const n of result.value!) expect(Number.isSafeInteger(n) && n >= 1 && n <= 100_000).toBe(true);
    }), RUNS);
  });
});

describe('name and time options, fuzzed', () => {
  const KNOWN = ['service', 'kafka', 'postgres'] as const;
  const listText = fc.array(fc.oneof(fc.constantFrom(...KNOWN, 'constructor', 'toString', '__proto__', ' kafka ', ''), argText(8)), { maxLength: 4 }).map((items) => items.join(','));

  it('reads a list of known names, or names the option; prototype names are unknown', () => {
    fc.assert(fc.property(listText, (text) => {
      const result = outcome(() => listOption('only', text, KNOWN));
      if ('error' in result) { expect(result.error).toMatch(/^--only takes a comma-separated list of service, kafka, postgres; got /); return; }
      expect(result.value!.length).toBeGreaterThan(0);
      for (const name of result.value!) expect(KNOWN).toContain(name);
    }), RUNS);
  });

  it('reads --scenario as known scenarios of the infra, or says which are unknown or elsewhere', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...SCENARIO_NAMES, 'constructor', 'toString', '__proto__', 'hasOwnProperty'), argText(12)), { maxLength: 3 }).map((items) => items.join(','));
    fc.assert(fc.property(text, fc.constantFrom('local', 'containers') as fc.Arbitrary<'local' | 'containers'>, (option, infra) => {
      const result = outcome(() => parseScenarios(option, infra));
      if ('error' in result) {
        const names = option.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = names.length === 0 || names.some((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
        // An unknown name gets the list of scenarios, not "not with --infra" (what "constructor" got through `in`).
        expect(result.error).toMatch(unknown ? /^--scenario takes a comma-separated list of/ : /not with --infra=/);
        return;
      }
      for (const name of result.value) expect(scenariosFor(infra)).toContain(name);
    }), RUNS);
  });

  it('reads --from as an ISO 8601 date/time, or names the option', () => {
    const text = fc.oneof(argText(), fc.constantFrom('1', '0', '2026', '2026-11-24', '2026-11-24T18:00:00Z', '2026-11-24T18:00+01:00', '2026-13-45', 'Tue Nov 24 2026', 'now', '2026-11-24T25:00:00Z'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    fc.assert(fc.property(text, (t) => {
      const result = outcome(() => timeOption('from', t));
      if ('error' in result) { expect(result.error).toMatch(/^--from must be an ISO 8601 date\/time/); return; }
      expect(Number.isFinite(result.value)).toBe(true);
      expect(t.trim()).toMatch(/^\d{4}-\d{2}-\d{2}/);
    }), RUNS);
  });

  it.each([['toString'], ['constructor'], ['kill-settlement,__proto__']])('says --scenario %j is unknown (it passed `in` and was called a scenario of the other infra)', (option) => {
    expect(() => parseScenarios(option, 'local')).toThrow(/^--scenario takes a comma-separated list of/);
  });

  it('refuses --from "1" (Date.parse read it as the year 2001)', () => {
    expect(() => timeOption('from', '1')).toThrow(/^--from must be an ISO 8601/);
  });

  it('makes the folder of any --json path or names the option', () => {
    const root = mkdtempSync(join(tmpdir(), 'inplay-json-option-'));
    try {
      fc.assert(fc.property(fc.oneof(argText(16), fc.constantFrom('', '.', '..', 'a/b/c.json', 'x'.repeat(300), '/dev/null/x.json')), (name) => {
        const file = name.startsWith('/') ? name : join(root, name);
        const result = outcome(() => jsonPath(file, 'fuzz'));
        if ('error' in result) { expect(result.error).toMatch(/^--json .*: cannot write reports into /s); return; }
        expect(typeof result.value).toBe('string');
      }), { numRuns: 200 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
