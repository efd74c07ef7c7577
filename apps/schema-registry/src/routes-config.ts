// Endpoints under /config (global and per-subject compatibility levels) and
// /compatibility (would this schema be accepted, without registering it).
import type { Pool } from '@inplay/db';
import { checkCompatibility } from './compatibility';
import { GLOBAL_SUBJECT, deleteLevel, effectiveLevel, globalLevel, setLevel, subjectLevel } from './config-store';
import { ERROR_CODES, fail, isFailure, subjectNotFound, type RegistryFailure } from './errors';
import { ok, type Reply } from './http';
import { parseCompatibilityBody, parseSchemaBody, parseVersion } from './requests';
import { flag, param, type RequestContext, type Route } from './router';
import { getVersion, liveVersions, type SubjectVersion } from './subject-store';

const notConfigured = (subject: string): RegistryFailure => fail(
  ERROR_CODES.subjectCompatibilityNotConfigured,
  `Subject '${subject}' does not have subject-level compatibility configured`,
);

async function putLevel(pool: Pool, subject: string, body: unknown): Promise<Reply | RegistryFailure> {
  const level = parseCompatibilityBody(body);
  if (isFailure(level)) return level;
  await setLevel(pool, subject, level);
  return ok({ compatibility: level });
}

/** The versions a candidate is checked against: one given version, or the live history for "latest"/none. */
async function versionsToCheck(pool: Pool, subject: string, versionText: string | undefined): Promise<SubjectVersion[] | RegistryFailure> {
  if (versionText === undefined) return liveVersions(pool, subject);
  const selector = parseVersion(versionText);
  if (isFailure(selector)) return selector;
  if (selector !== 'latest') {
    const one = await getVersion(pool, subject, selector, false);
    return isFailure(one) ? one : [one];
  }
  const history = await liveVersions(pool, subject);
  return history.length === 0 ? subjectNotFound(subject) : history;
}

async function checkCandidate(pool: Pool, ctx: RequestContext, versionText: string | undefined): Promise<Reply | RegistryFailure> {
  const candidate = parseSchemaBody(ctx.body);
  if (isFailure(candidate)) return candidate;
  const subject = param(ctx, 'subject');
  const previous = await versionsToCheck(pool, subject, versionText);
  if (isFailure(previous)) return previous;
  const verdict = checkCompatibility(await effectiveLevel(pool, subject), candidate.canonical, previous);
  return ok(flag(ctx, 'verbose') ? { is_compatible: verdict.compatible, messages: verdict.messages } : { is_compatible: verdict.compatible });
}

export function configRoutes(pool: Pool): Route[] {
  return [
    { method: 'GET', path: '/config', handle: async () => ok({ compatibilityLevel: await globalLevel(pool) }) },
    { method: 'PUT', path: '/config', readsBody: true, handle: (ctx) => putLevel(pool, GLOBAL_SUBJECT, ctx.body) },
    {
      method: 'DELETE', path: '/config',
      handle: async () => {
        await deleteLevel(pool, GLOBAL_SUBJECT);
        return ok({ compatibilityLevel: await globalLevel(pool) });
      },
    },
    {
      method: 'GET', path: '/config/:subject',
      handle: async (ctx) => {
        const subject = param(ctx, 'subject');
        // 404 rather than the global level: clients use it to tell "first registration" (kafkajs registry issue #129).
        const own = await subjectLevel(pool, subject);
        if (own !== undefined) return ok({ compatibilityLevel: own });
        return flag(ctx, 'defaultToGlobal') ? ok({ compatibilityLevel: await globalLevel(pool) }) : notConfigured(subject);
      },
    },
    { method: 'PUT', path: '/config/:subject', readsBody: true, handle: (ctx) => putLevel(pool, param(ctx, 'subject'), ctx.body) },
    {
      method: 'DELETE', path: '/config/:subject',
      handle: async (ctx) => {
        const subject = param(ctx, 'subject');
        const removed = await deleteLevel(pool, subject);
        return removed === undefined ? notConfigured(subject) : ok({ compatibilityLevel: removed });
      },
    },
    {
      method: 'POST', path: '/compatibility/subjects/:subject/versions/:version', readsBody: true, readOnly: true,
      handle: (ctx) => checkCandidate(pool, ctx, param(ctx, 'version')),
    },
    {
      method: 'POST', path: '/compatibility/subjects/:subject/versions', readsBody: true, readOnly: true,
      handle: (ctx) => checkCandidate(pool, ctx, undefined),
    },
  ];
}
