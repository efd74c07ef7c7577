import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { generateTypes } from './codegen';
import { loadSchemas } from './schemas';
import { TOPICS } from './topics';

describe('contracts', () => {
  it('generated types match schemas/ exactly (run npm run gen:contracts after changing a schema)', () => {
    const committed = readFileSync(fileURLToPath(new URL('./generated.ts', import.meta.url)), 'utf8');
    expect(committed).toBe(generateTypes(loadSchemas().values()));
  });

  it('every schema parses as Avro and every topic with values names an existing schema', () => {
    const schemas = loadSchemas();
    for (const schema of schemas.values()) expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
    for (const topic of TOPICS) if (topic.valueSchema) expect(schemas.has(topic.valueSchema)).toBe(true);
  });

  it('generates string unions for enums and nullable unions for optional fields', () => {
    const out = generateTypes([{ type: 'record', name: 'R', fields: [
      { name: 'side', type: { type: 'enum', name: 'Side', symbols: ['BUY', 'SELL'] } },
      { name: 'limit', type: ['null', 'long'] },
    ] }]);
    expect(out).toContain("export type Side = 'BUY' | 'SELL';");
    expect(out).toContain('limit: null | number;');
  });
});
