// Endpoints under /schemas: a schema by its global id (what a consumer looks up
// from the 4 bytes after the magic byte) and where it is used.
import type { Pool } from '@inplay/db';
import { SUPPORTED_SCHEMA_TYPES } from './avro';
import { isFailure } from './errors';
import { REGISTRY_CONTENT_TYPE, ok } from './http';
import { parseSchemaId } from './requests';
import { param, type Route } from './router';
import { schemaById, versionsOfSchema } from './subject-store';

export function schemaRoutes(pool: Pool): Route[] {
  return [
    {
      method: 'GET', path: '/schemas/types',
      handle: async () => ok(SUPPORTED_SCHEMA_TYPES),
    },
    {
      method: 'GET', path: '/schemas/ids/:id',
      handle: async (ctx) => {
        const id = parseSchemaId(param(ctx, 'id'));
        if (isFailure(id)) return id;
        const found = await schemaById(pool, id);
        if (isFailure(found)) return found;
        return ok(found.schemaType === 'AVRO' ? { schema: found.schema } : { schema: found.schema, schemaType: found.schemaType });
      },
    },
    {
      method: 'GET', path: '/schemas/ids/:id/schema',
      handle: async (ctx) => {
        const id = parseSchemaId(param(ctx, 'id'));
        if (isFailure(id)) return id;
        const found = await schemaById(pool, id);
        return isFailure(found) ? found : { status: 200, text: found.schema, contentType: REGISTRY_CONTENT_TYPE };
      },
    },
    {
      method: 'GET', path: '/schemas/ids/:id/versions',
      handle: async (ctx) => {
        const id = parseSchemaId(param(ctx, 'id'));
        if (isFailure(id)) return id;
        const usages = await versionsOfSchema(pool, id);
        return isFailure(usages) ? usages : ok(usages);
      },
    },
  ];
}
