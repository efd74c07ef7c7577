// Development secrets of a local stack (JWT signing key, order signing key, feed webhook secret,
// gateway admin token): taken from the environment when set, otherwise
// generated once per state dir
// and kept in a file only its owner can read.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecrets {
  JWT_SECRET: string;
  ORDER_SIGNING_KEY: string;
  FEED_WEBHOOK_SECRET: string;
  GATEWAY_ADMIN_TOKEN: string;
}

const SECRET_BYTES = 32;

export function devSecrets(stateDir: string, env: Record<string, string | undefined> = process.env): DevSecrets {
  const file = join(stateDir, 'secrets.json');
  const stored: Partial<DevSecrets> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const generated: DevSecrets = {
    JWT_SECRET: stored.JWT_SECRET ?? randomBytes(SECRET_BYTES).toString('base64url'),
    ORDER_SIGNING_KEY: stored.ORDER_SIGNING_KEY ?? randomBytes(SECRET_BYTES).toString('base64url'),
    FEED_WEBHOOK_SECRET: stored.FEED_WEBHOOK_SECRET ?? randomBytes(SECRET_BYTES).toString('base64url'),
    GATEWAY_ADMIN_TOKEN: stored.GATEWAY_ADMIN_TOKEN ?? randomBytes(SECRET_BYTES).toString('base64url'),
  };
  if (!stored.JWT_SECRET || !stored.ORDER_SIGNING_KEY || !stored.FEED_WEBHOOK_SECRET || !stored.GATEWAY_ADMIN_TOKEN) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  // Values from the environment win and are never written to disk.
  return {
    JWT_SECRET: env['JWT_SECRET'] ?? generated.JWT_SECRET,
    ORDER_SIGNING_KEY: env['ORDER_SIGNING_KEY'] ?? generated.ORDER_SIGNING_KEY,
    FEED_WEBHOOK_SECRET: env['FEED_WEBHOOK_SECRET'] ?? generated.FEED_WEBHOOK_SECRET,
    GATEWAY_ADMIN_TOKEN: env['GATEWAY_ADMIN_TOKEN'] ?? generated.GATEWAY_ADMIN_TOKEN,
  };
}
