// Regenerates src/http/openapi-document.ts from docs/api/openapi.yaml:
//   node --import tsx apps/gateway/scripts/gen-openapi.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocumentModule } from '../src/http/openapi-codegen';

const source = fileURLToPath(new URL('../../../docs/api/openapi.yaml', import.meta.url));
const target = fileURLToPath(new URL('../src/http/openapi-document.ts', import.meta.url));
writeFileSync(target, openApiDocumentModule(readFileSync(source, 'utf8')));
console.log(`wrote ${target}`);
