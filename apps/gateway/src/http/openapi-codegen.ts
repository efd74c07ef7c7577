// The gateway serves docs/api/openapi.yaml at GET /openapi.yaml, but the
// service image holds a bundle, not the repo's docs/: the document is built in
// as a generated module (scripts/gen-openapi.ts writes it; a unit test fails
// when it differs from the document).
export const OPENAPI_MODULE_HEADER = '// Generated from docs/api/openapi.yaml by apps/gateway/scripts/gen-openapi.ts: do not edit.\n';

export function openApiDocumentModule(yamlText: string): string {
  return `${OPENAPI_MODULE_HEADER}export const OPENAPI_YAML = ${JSON.stringify(yamlText)};\n`;
}
