// Public surface of the schema registry: run it in-process, and its rules for tools and tests.
export { startRegistryServer, DEFAULT_MAX_BODY_BYTES, type RegistryServer, type RegistryServerOptions } from './server';
export { checkCompatibility, COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY, type CompatibilityLevel } from './compatibility';
export { ERROR_CODES, type ErrorCode } from './errors';
export { MIN_WRITE_PASSWORD_CHARS, parseBasicAuthorization, type BasicCredentials, type Writers } from './auth';
export { REGISTRY_CONTENT_TYPE } from './http';
