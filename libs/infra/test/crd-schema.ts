// Custom resources checked offline as `kubectl apply --validate=strict` would:
// against the openAPIV3Schema of their CRD, unknown fields refused. Used by the
// deploy/ specs (Chaos Mesh experiments, the chart's PrometheusRule).
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;

/** A pattern in Go's syntax (RE2) that JavaScript can compile too; e.g. `(?i)` flags it cannot. */
const compilesInJs = (pattern: unknown): boolean => {
  try {
    new RegExp(String(pattern));
    return true;
  } catch {
    return false;
  }
};

/**
 * Refuse fields a schema does not name, where Kubernetes would prune them (kubectl --validate=strict
 * reports those). A `pattern` only Go can read is left out: that field is then checked for its type only.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema).filter(([k, v]) => !(k === 'pattern' && typeof v === 'string' && !compilesInJs(v)));
  const out = Object.fromEntries(entries.map(([k, v]) => [k, k === 'enum' || k === 'required' ? v : strict(v)])) as Schema;
  if (out['type'] === 'object' && out['properties'] && out['additionalProperties'] === undefined && !out['x-kubernetes-preserve-unknown-fields']) out['additionalProperties'] = false;
  return out;
}

function crdSchemas(crdFile: string, apiVersion: string, kinds: string[]): Map<string, Schema> {
  type Crd = { kind: string; spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
  const crds = parseAllDocuments(readFileSync(crdFile, 'utf8')).map((d) => d.toJS() as Crd | null);
  const schemas = new Map<string, Schema>();
  for (const kind of kinds) {
    const crd = crds.find((c) => c?.kind === 'CustomResourceDefinition' && c.spec.names.kind === kind);
    const version = crd?.spec.versions.find((v) => `${crd.spec.group}/${v.name}` === apiVersion);
    if (!version) throw new Error(`${crdFile} has no ${kind} CRD served as ${apiVersion}`);
    schemas.set(kind, strict(version.schema.openAPIV3Schema) as Schema);
  }
  return schemas;
}

/** Ajv 8's JSON pointer (/spec/groups/0/rules/0) the way kubectl says it (.spec.groups[0].rules[0]). */
function dottedPath(pointer: string): string {
  return pointer.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`)).join('');
}

/** What is wrong with a resource of one of `kinds`, by its CRD in `crdFile` served as `apiVersion`: [] when nothing. */
export function crdValidator(crdFile: string, apiVersion: string, kinds: string[]): (resource: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // OpenAPI's integer formats, which JSON Schema does not define.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  const validators = new Map([...crdSchemas(crdFile, apiVersion, kinds)].map(([kind, schema]) => [kind, ajv.compile(schema)]));
  return (resource) => {
    const { kind, apiVersion: version } = resource as { kind?: string; apiVersion?: string };
    const validate = validators.get(kind ?? '');
    if (!validate) return [`no schema for kind ${kind}`];
    if (version !== apiVersion) return [`apiVersion ${version}, expected ${apiVersion}`];
    return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${dottedPath(e.instancePath)} ${(e.message ?? '').replace(/^must /, 'should ')}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  };
}
