// Regenerates src/generated.ts from schemas/*.avsc.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '../src/codegen';
import { loadSchemas } from '../src/schemas';

const target = fileURLToPath(new URL('../src/generated.ts', import.meta.url));
writeFileSync(target, generateTypes(loadSchemas().values()));
console.log(`wrote ${target}`);
