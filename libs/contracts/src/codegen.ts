// Turns Avro record schemas into TypeScript types as avsc decodes them:
// enums are string unions, unions with null are `| null`, longs are numbers
// (minor units and epoch ms stay far below 2^53). The generated file is
// committed and a test regenerates it, so types can never drift from schemas/.
import type { AvroRecordSchema } from './schemas';

type AvroType = string | AvroType[] | { type: string; [key: string]: unknown };

export function generateTypes(schemas: Iterable<AvroRecordSchema>): string {
  const named = new Map<string, string>();
  const order: string[] = [];

  const typeOf = (t: AvroType): string => {
    if (Array.isArray(t)) return t.map(typeOf).join(' | ');
    if (typeof t === 'string') {
      switch (t) {
        case 'null': return 'null';
        case 'boolean': return 'boolean';
        case 'int': case 'long': case 'float': case 'double': return 'number';
        case 'string': return 'string';
        case 'bytes': return 'Buffer';
        default: return t.split('.').pop() as string;
      }
    }
    switch (t.type) {
      case 'record': return declareRecord(t as unknown as AvroRecordSchema);
      case 'enum': {
        const name = t['name'] as string;
        const symbols = t['symbols'] as string[];
        declare(name, `export type ${name} = ${symbols.map((s) => `'${s}'`).join(' | ')};\nexport const ${name}Values = [${symbols.map((s) => `'${s}'`).join(', ')}] as const;`);
        return name;
      }
      case 'array': return `${wrap(typeOf(t['items'] as AvroType))}[]`;
      case 'map': return `Record<string, ${typeOf(t['values'] as AvroType)}>`;
      default: return typeOf(t.type as AvroType);
    }
  };
  const wrap = (s: string): string => (s.includes('|') ? `(${s})` : s);
  const declare = (name: string, body: string): void => {
    if (!named.has(name)) { named.set(name, body); order.push(name); }
  };
  const declareRecord = (r: AvroRecordSchema): string => {
    const fields = r.fields.map((f) => {
      const doc = f.doc ? `  /** ${f.doc} */\n` : '';
      return `${doc}  ${f.name}: ${typeOf(f.type as AvroType)};`;
    });
    const doc = r.doc ? `/** ${r.doc} */\n` : '';
    declare(r.name, `${doc}export interface ${r.name} {\n${fields.join('\n')}\n}`);
    return r.name;
  };

  for (const schema of schemas) declareRecord(schema);
  const header = '// Generated from schemas/*.avsc by `npm run gen:contracts`. Do not edit by hand.\n';
  return header + order.map((n) => named.get(n)).join('\n\n') + '\n';
}
