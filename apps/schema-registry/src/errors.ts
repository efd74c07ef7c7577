// Confluent's wire error codes, as values: store and handlers return a
// RegistryFailure for every expected failure, and the HTTP layer turns it into
// `{ error_code, message }` with the HTTP status the code implies.

/** Confluent Schema Registry error codes (the first three digits are the HTTP status). */
export const ERROR_CODES = {
  badRequest: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  incompatibleSchema: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  subjectCompatibilityNotConfigured: 40408,
  invalidSchema: 42201,
  invalidVersion: 42202,
  invalidCompatibilityLevel: 42203,
  invalidSubject: 42208,
  storeError: 50001,
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface RegistryFailure {
  readonly failure: true;
  readonly errorCode: ErrorCode;
  readonly message: string;
}

export function fail(errorCode: ErrorCode, message: string): RegistryFailure {
  return { failure: true, errorCode, message };
}

export function isFailure(value: unknown): value is RegistryFailure {
  return typeof value === 'object' && value !== null && (value as { failure?: unknown }).failure === true;
}

/** 40401 → 404, 42201 → 422, 409 → 409: Confluent codes start with their HTTP status. */
export function httpStatusOf(errorCode: ErrorCode): number {
  return errorCode < 1000 ? errorCode : Number(String(errorCode).slice(0, 3));
}

export const subjectNotFound = (subject: string): RegistryFailure =>
  fail(ERROR_CODES.subjectNotFound, `Subject '${subject}' not found.`);

export const versionNotFound = (subject: string, version: number | string): RegistryFailure =>
  fail(ERROR_CODES.versionNotFound, `Version ${version} not found for subject '${subject}'.`);

export const schemaNotFound = (what = 'Schema not found'): RegistryFailure => fail(ERROR_CODES.schemaNotFound, what);
