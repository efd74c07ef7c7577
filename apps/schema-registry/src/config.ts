// The registry process's settings, validated at start-up: where it listens,
// its store, and who may write. It refuses to start open to anonymous writes
// unless that is asked for by name.
import { bool, ConfigError, DEFAULT_PORTS, loadConfig, logLevel, port, postgresUrl, z } from '@inplay/config';
import { MIN_WRITE_PASSWORD_CHARS, type Writers } from './auth';

const configShape = {
  PORT: port.default(DEFAULT_PORTS.registry),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl,
  LOG_LEVEL: logLevel,
  // Basic auth splits user-id from password at the first colon: a user name cannot hold one.
  SCHEMA_REGISTRY_WRITE_USER: z.string().regex(/^[^:\p{Cc}]{1,128}$/u, '1-128 characters, no colon or control character').optional(),
  SCHEMA_REGISTRY_WRITE_PASSWORD: z.string().min(MIN_WRITE_PASSWORD_CHARS, `must be at least ${MIN_WRITE_PASSWORD_CHARS} characters`).optional(),
  SCHEMA_REGISTRY_ANONYMOUS_WRITES: bool.default(false),
};

const configHints = {
  PORT: 'The port to serve the registry on',
  DATABASE_URL: 'The Postgres database holding the registry (schema "schema_registry" in it is created if missing)',
  SCHEMA_REGISTRY_WRITE_USER: 'The user name writers (bootstrap, operators) send with HTTP basic auth',
  SCHEMA_REGISTRY_WRITE_PASSWORD: `Their password, at least ${MIN_WRITE_PASSWORD_CHARS} characters; e.g. \`openssl rand -base64 24\``,
};

export interface RegistryConfig {
  port: number;
  host: string;
  databaseUrl: string;
  logLevel: z.infer<typeof logLevel>;
  writers: Writers;
}

const NO_WRITERS = 'SCHEMA_REGISTRY_WRITE_USER and SCHEMA_REGISTRY_WRITE_PASSWORD are not set: anyone could register, delete schemas and change compatibility. '
  + 'Set both (writes then need HTTP basic auth), or set SCHEMA_REGISTRY_ANONYMOUS_WRITES=true to run open on purpose';

/** Reads and validates the environment; throws a ConfigError naming every bad setting (never printing the password). */
export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  const password = env['SCHEMA_REGISTRY_WRITE_PASSWORD'];
  const masked = password === undefined ? env : { ...env, SCHEMA_REGISTRY_WRITE_PASSWORD: '*'.repeat(password.length) };
  const c = loadConfig(configShape, masked, configHints);
  const user = c.SCHEMA_REGISTRY_WRITE_USER;
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError([`SCHEMA_REGISTRY_WRITE_USER and SCHEMA_REGISTRY_WRITE_PASSWORD go together: set both or neither (only ${user === undefined ? 'the password' : 'the user'} is set)`]);
  }
  if (user !== undefined && password !== undefined && c.SCHEMA_REGISTRY_ANONYMOUS_WRITES) {
    throw new ConfigError(['SCHEMA_REGISTRY_ANONYMOUS_WRITES=true contradicts SCHEMA_REGISTRY_WRITE_USER/SCHEMA_REGISTRY_WRITE_PASSWORD: unset one or the other']);
  }
  let writers: Writers;
  if (user !== undefined && password !== undefined) writers = { username: user, password };
  else if (c.SCHEMA_REGISTRY_ANONYMOUS_WRITES) writers = 'anonymous';
  else throw new ConfigError([NO_WRITERS]);
  return { port: c.PORT, host: c.HOST, databaseUrl: c.DATABASE_URL, logLevel: c.LOG_LEVEL, writers };
}
