// What kind of deployment the gateway runs in (INPLAY_ENV) and the settings
// that must agree with it: in production the dev login (a token for any user
// id, to anyone) is refused at start-up and the JWT key must be long.
import { ConfigError, bool, deploymentEnvironment, loadConfig, z, type DeploymentEnvironment } from '@inplay/config';
import { MIN_ADMIN_TOKEN_BYTES } from './admin/routes';

/** JWT_SECRET in production: 64 bytes, what `openssl rand -base64 48` prints (HS256's block size). */
export const MIN_PRODUCTION_SIGNING_KEY_BYTES = 64;

export interface DeploymentSettings {
  environment: DeploymentEnvironment;
  /** POST /dev/login on the public port. Never in production. */
  devLogin: boolean;
  /** Undefined: the admin routes answer 503 ADMIN_DISABLED. */
  adminToken: string | undefined;
}

const shape = {
  INPLAY_ENV: deploymentEnvironment,
  GATEWAY_DEV_LOGIN: bool.default(false),
  GATEWAY_ADMIN_TOKEN: z.string().refine((s) => Buffer.byteLength(s) >= MIN_ADMIN_TOKEN_BYTES, { message: `must be at least ${MIN_ADMIN_TOKEN_BYTES} bytes` }).optional(),
  JWT_SECRET: z.string().optional(),
};

const hints = {
  INPLAY_ENV: 'production or development (default): the Helm chart sets production',
  GATEWAY_DEV_LOGIN: 'true only for local demos (`inplay up`): POST /dev/login issues a token for any user id',
  GATEWAY_ADMIN_TOKEN: 'bearer token of the admin routes (/admin/* on the internal port); unset turns them off; `inplay up` generates one',
};

/** Reads INPLAY_ENV, GATEWAY_DEV_LOGIN and GATEWAY_ADMIN_TOKEN; throws a ConfigError when they break production's rules. */
export function loadDeploymentSettings(env: Record<string, string | undefined> = process.env): DeploymentSettings {
  const raw = loadConfig(shape, env, hints);
  const problems: string[] = [];
  if (raw.INPLAY_ENV === 'production') {
    if (raw.GATEWAY_DEV_LOGIN) problems.push('GATEWAY_DEV_LOGIN: must not be true when INPLAY_ENV=production: POST /dev/login would hand a token for any user id to anyone. Unset it');
    if (raw.JWT_SECRET !== undefined && Buffer.byteLength(raw.JWT_SECRET) < MIN_PRODUCTION_SIGNING_KEY_BYTES) {
      problems.push(`JWT_SECRET: must be at least ${MIN_PRODUCTION_SIGNING_KEY_BYTES} bytes when INPLAY_ENV=production (got ${Buffer.byteLength(raw.JWT_SECRET)}). Generate one with \`openssl rand -base64 48\``);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { environment: raw.INPLAY_ENV, devLogin: raw.GATEWAY_DEV_LOGIN, adminToken: raw.GATEWAY_ADMIN_TOKEN };
}
