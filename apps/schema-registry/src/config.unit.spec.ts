// The registry's start-up settings: it starts with a writer's credentials, or
// open to anonymous writes only when told so by name.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@inplay/config';
import { MIN_WRITE_PASSWORD_CHARS } from './auth';
import { loadRegistryConfig } from './config';

const base = { DATABASE_URL: 'postgres://registry:secret@127.0.0.1:15432/schema_registry' };
const password = 'p'.repeat(MIN_WRITE_PASSWORD_CHARS);

function problemsOf(env: Record<string, string>): string {
  try {
    loadRegistryConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRegistryConfig', () => {
  it('takes the writer from SCHEMA_REGISTRY_WRITE_USER and SCHEMA_REGISTRY_WRITE_PASSWORD', () => {
    const config = loadRegistryConfig({ ...base, SCHEMA_REGISTRY_WRITE_USER: 'inplay-admin', SCHEMA_REGISTRY_WRITE_PASSWORD: password });
    expect(config.writers).toEqual({ username: 'inplay-admin', password });
  });

  it('refuses to start without writers, naming the settings that fix it', () => {
    const message = problemsOf(base);
    expect(message).toMatch(/SCHEMA_REGISTRY_WRITE_USER and SCHEMA_REGISTRY_WRITE_PASSWORD are not set/);
    expect(message).toMatch(/SCHEMA_REGISTRY_ANONYMOUS_WRITES=true/);
  });

  it('runs open to anonymous writes only when SCHEMA_REGISTRY_ANONYMOUS_WRITES=true', () => {
    expect(loadRegistryConfig({ ...base, SCHEMA_REGISTRY_ANONYMOUS_WRITES: 'true' }).writers).toBe('anonymous');
    expect(problemsOf({ ...base, SCHEMA_REGISTRY_ANONYMOUS_WRITES: 'false' })).toMatch(/are not set/);
  });

  it('refuses a user without a password, a password without a user, and both with anonymous writes', () => {
    expect(problemsOf({ ...base, SCHEMA_REGISTRY_WRITE_USER: 'inplay-admin' })).toMatch(/set both or neither \(only the user is set\)/);
    expect(problemsOf({ ...base, SCHEMA_REGISTRY_WRITE_PASSWORD: password })).toMatch(/set both or neither \(only the password is set\)/);
    expect(problemsOf({ ...base, SCHEMA_REGISTRY_WRITE_USER: 'u', SCHEMA_REGISTRY_WRITE_PASSWORD: password, SCHEMA_REGISTRY_ANONYMOUS_WRITES: 'true' })).toMatch(/contradicts/);
  });

  it(`refuses a password under ${MIN_WRITE_PASSWORD_CHARS} characters without printing it, and a user name with a colon`, () => {
    const short = 'hunter2-short';
    const message = problemsOf({ ...base, SCHEMA_REGISTRY_WRITE_USER: 'u', SCHEMA_REGISTRY_WRITE_PASSWORD: short });
    expect(message).toMatch(new RegExp(`SCHEMA_REGISTRY_WRITE_PASSWORD: must be at least ${MIN_WRITE_PASSWORD_CHARS} characters`));
    expect(message).not.toContain(short);
    expect(problemsOf({ ...base, SCHEMA_REGISTRY_WRITE_USER: 'in:play', SCHEMA_REGISTRY_WRITE_PASSWORD: password })).toMatch(/SCHEMA_REGISTRY_WRITE_USER: 1-128 characters, no colon/);
  });
});
