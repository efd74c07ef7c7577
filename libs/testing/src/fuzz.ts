// Hostile input for the property tests of every parser of outside input
// (HTTP bodies and headers, WebSocket frames, webhook deliveries, registry
// routes, CLI options): arbitrary text, and near-valid JSON with one thing
// wrong, so a fuzz run spends its time near the checks, not only on garbage.
import fc from 'fast-check';

/** Strings that have broken parsers before: prototype keys, NUL, lone surrogates, numbers JS reads oddly. */
export const TRICKY_STRINGS = [
  '', ' ', '\t', '\n', '\r\n', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ud83d\ude00', '\u202e', '\ufeff', 'ﬀ', 'İ',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  'null', 'undefined', 'true', 'NaN', 'Infinity', '-Infinity', '-0', '0', '-1', '1e400', '0x10', '0b1', '1_000', '1.5', '.5', '5.',
  '9007199254740993', '99999999999999999999999999', '%', '%00', '%zz', '%ED%A0%80', '../', '/', '\\', "'", '"', '{}', '[]',
] as const;

/** Any UTF-16 text, lone surrogates included (fc.string's code points never split a pair). */
export const utf16String = (maxLength = 64): fc.Arbitrary<string> =>
  fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength });

/** A mix of tricky strings, any text and printable ASCII. */
export const hostileString = (maxLength = 64): fc.Arbitrary<string> => fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  utf16String(maxLength),
  fc.string({ unit: 'binary', maxLength }),
  fc.string({ maxLength }),
  fc.string({ maxLength: 4 }).map((s) => s.repeat(1_000)),
);

/** Numbers at the edges: NaN and the infinities (as values; JSON text turns them into null), -0, unsafe integers, tiny and huge. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e21),
  fc.integer(),
  fc.double(),
  fc.maxSafeInteger(),
);

/** Number tokens as they may appear in JSON text (an overflowing exponent parses to Infinity, a long mantissa loses digits). */
export const JSON_NUMBER_TOKENS = ['0', '-0', '1.0', '1e0', '0.1e1', '1e400', '-1e400', '1e-400', '9007199254740993', '123456789012345678901234567890', '1E2', '0.0000001'] as const;

/** Any JSON value, plus the values a typed field should never accept. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString(),
  hostileNumber.filter(Number.isFinite),
  fc.constantFrom(null, true, false, [], {}, [null]),
);

/**
 * JSON text of an object given as entries, so keys such as "__proto__" and
 * repeated keys are written literally (JSON.stringify of an object cannot).
 */
export function jsonObjectText(entries: readonly (readonly [string, unknown])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${valueText(value)}`).join(',')}}`;
}

/** A value as JSON text; a `RawJson` is written as is (number tokens JSON.stringify cannot make). */
function valueText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  return JSON.stringify(value) ?? 'null';
}

export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * JSON text of `valid` with one thing wrong: a field dropped, a field given a
 * hostile value or odd number token, an unknown key (prototype keys among
 * them), or a field repeated with another value (JSON.parse keeps the last).
 */
export function mutatedJson(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const entries = Object.entries(valid);
  const keys = Object.keys(valid);
  if (keys.length === 0) throw new Error('mutatedJson needs a valid object with fields');
  const key = fc.constantFrom(...keys);
  const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ''), hostileString(16));
  const replaced = (k: string, v: unknown) => entries.map(([ek, ev]) => [ek, ek === k ? v : ev] as const);
  return fc.oneof(
    key.map((k) => jsonObjectText(entries.filter(([ek]) => ek !== k))),
    fc.tuple(key, hostileJsonValue).map(([k, v]) => jsonObjectText(replaced(k, v))),
    fc.tuple(key, fc.constantFrom(...JSON_NUMBER_TOKENS)).map(([k, t]) => jsonObjectText(replaced(k, new RawJson(t)))),
    fc.tuple(hostileKey, hostileJsonValue).map(([k, v]) => jsonObjectText([...entries, [k, v]])),
    fc.tuple(key, hostileJsonValue).map(([k, v]) => jsonObjectText([...entries, [k, v]])),
  );
}

/** Every UTF-8 byte of `text` as %XX (encodeURIComponent throws on a lone surrogate; this writes its replacement character). */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** A byte HTTP allows in a header value (RFC 9110 field-vchar, space, tab): others are the HTTP parser's business, not ours. */
const fieldByte = (b: number) => b === 0x09 || (b >= 0x20 && b <= 0x7e) || b >= 0x80;
/** A byte that may stand raw in a request target: visible ASCII (Node's HTTP parser refuses the rest with a bare 400). */
const targetByte = (b: number) => b > 0x20 && b < 0x7f;

/** Header values as bytes: hostile text in UTF-8 and any bytes, kept to what HTTP lets through to the application. */
export const httpHeaderValue = (maxLength = 64): fc.Arbitrary<Buffer> => fc.oneof(
  hostileString(maxLength).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength }).map((b) => Buffer.from(b)),
).map((bytes) => Buffer.from(bytes.filter(fieldByte)));

/** `text`'s UTF-8 bytes as they may stand in a request target: raw where HTTP allows it (odd escapes such as "%zz" or "%" too), %XX where it does not. */
export function asTargetText(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (targetByte(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Raw request bodies: any bytes, any text, any JSON, and near-valid JSON of `valid`. */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
    hostileString(256).map((s) => Buffer.from(s, 'utf8')),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')),
    mutatedJson(valid).map((s) => Buffer.from(s, 'utf8')),
    fc.constant(Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)),
  );
}
