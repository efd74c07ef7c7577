import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { openApiDocumentModule } from './openapi-codegen';
import { OPENAPI_YAML } from './openapi-document';

const OPENAPI_FILE = fileURLToPath(new URL('../../../../docs/api/openapi.yaml', import.meta.url));

describe('the OpenAPI document the gateway serves', () => {
  it('is docs/api/openapi.yaml exactly (run node --import tsx apps/gateway/scripts/gen-openapi.ts after changing it)', () => {
    const committed = readFileSync(fileURLToPath(new URL('./openapi-document.ts', import.meta.url)), 'utf8');
    const source = readFileSync(OPENAPI_FILE, 'utf8');
    expect(committed).toBe(openApiDocumentModule(source));
    expect(OPENAPI_YAML).toBe(source);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const api = (await SwaggerParser.validate(OPENAPI_FILE)) as { openapi: string; paths: Record<string, unknown> };
    expect(api.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(api.paths)).toContain('/openapi.yaml');
  });
});
