// Endpoints under /subjects: register, look up, read and soft-delete the
// versions of a subject.
import type { Pool } from '@inplay/db';
import { isFailure } from './errors';
import { REGISTRY_CONTENT_TYPE, ok } from './http';
import { registerSchema } from './register';
import { parseSchemaBody, parseVersion } from './requests';
import { flag, param, type Route } from './router';
import {
  deleteSubject, deleteVersion, findSchemaInSubject, getVersion, listSubjects, listVersions, type SubjectVersion,
} from './subject-store';

/** Confluent's shape: `schemaType` is left out for Avro, the default. */
export function presentVersion(found: SubjectVersion): Record<string, unknown> {
  const { subject, version, id, schema, schemaType } = found;
  return schemaType === 'AVRO' ? { subject, version, id, schema } : { subject, version, id, schema, schemaType };
}

export function subjectRoutes(pool: Pool): Route[] {
  return [
    {
      method: 'GET', path: '/subjects',
      handle: async (ctx) => ok(await listSubjects(pool, flag(ctx, 'deleted'))),
    },
    {
      method: 'GET', path: '/subjects/:subject/versions',
      handle: async (ctx) => {
        const versions = await listVersions(pool, param(ctx, 'subject'), flag(ctx, 'deleted'));
        return isFailure(versions) ? versions : ok(versions);
      },
    },
    {
      method: 'GET', path: '/subjects/:subject/versions/:version',
      handle: async (ctx) => {
        const selector = parseVersion(param(ctx, 'version'));
        if (isFailure(selector)) return selector;
        const found = await getVersion(pool, param(ctx, 'subject'), selector, flag(ctx, 'deleted'));
        return isFailure(found) ? found : ok(presentVersion(found));
      },
    },
    {
      method: 'GET', path: '/subjects/:subject/versions/:version/schema',
      handle: async (ctx) => {
        const selector = parseVersion(param(ctx, 'version'));
        if (isFailure(selector)) return selector;
        const found = await getVersion(pool, param(ctx, 'subject'), selector, flag(ctx, 'deleted'));
        return isFailure(found) ? found : { status: 200, text: found.schema, contentType: REGISTRY_CONTENT_TYPE };
      },
    },
    {
      method: 'POST', path: '/subjects/:subject/versions', readsBody: true,
      handle: async (ctx) => {
        const schema = parseSchemaBody(ctx.body);
        if (isFailure(schema)) return schema;
        const registered = await registerSchema(pool, param(ctx, 'subject'), schema);
        return isFailure(registered) ? registered : ok({ id: registered.id });
      },
    },
    {
      method: 'POST', path: '/subjects/:subject', readsBody: true, readOnly: true,
      handle: async (ctx) => {
        const schema = parseSchemaBody(ctx.body);
        if (isFailure(schema)) return schema;
        const found = await findSchemaInSubject(pool, param(ctx, 'subject'), schema.hash, flag(ctx, 'deleted'));
        return isFailure(found) ? found : ok(presentVersion(found));
      },
    },
    {
      method: 'DELETE', path: '/subjects/:subject',
      handle: async (ctx) => {
        const versions = await deleteSubject(pool, param(ctx, 'subject'));
        return isFailure(versions) ? versions : ok(versions);
      },
    },
    {
      method: 'DELETE', path: '/subjects/:subject/versions/:version',
      handle: async (ctx) => {
        const selector = parseVersion(param(ctx, 'version'));
        if (isFailure(selector)) return selector;
        const version = await deleteVersion(pool, param(ctx, 'subject'), selector);
        return isFailure(version) ? version : ok(version);
      },
    },
  ];
}
