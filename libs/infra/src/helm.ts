// Tools for checking deploy/ offline, each installed once into the cache from
// a package registry (never into the repository): Helm built from the Go
// module proxy (the only way to get it here), kubernetes-validate (with the
// Kubernetes JSON schemas) from PyPI in a virtualenv, and the Chaos Mesh and
// PrometheusRule CRDs from their Go modules.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonTool, runTool as run } from './tools';

export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm';
export const HELM_VERSION = 'v3.22.0';
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';
/** The module proxy serves no v2.x tag of Chaos Mesh (its module path has no /v2): master of 2026-09-02, after v2.7. */
export const CHAOS_MESH_MODULE = 'github.com/chaos-mesh/chaos-mesh';
export const CHAOS_MESH_VERSION = 'v0.9.1-0.20260902003049-47411975a8cb';
/** The chart's alerts are PrometheusRules: checked against the CRD this release of the operator ships. */
export const PROMETHEUS_OPERATOR_MODULE = 'github.com/prometheus-operator/prometheus-operator';
export const PROMETHEUS_OPERATOR_VERSION = 'v0.85.0';
export async function ensureHelm(cacheDir: string): Promise<string> {
  const bin = join(cacheDir, 'bin');
  const helm = join(bin, 'helm');
  if (existsSync(helm)) return helm;
  await run('go', ['install', `${HELM_MODULE}@${HELM_VERSION}`], { env: { ...process.env, GOBIN: bin }, missing: 'go is needed to build helm (apt-get install golang-go)' });
  return helm;
}

/** The kubernetes-validate executable, in a virtualenv of its own under the cache. */
export function ensureKubernetesValidate(cacheDir: string): Promise<string> {
  return ensurePythonTool(cacheDir, { pypiPackage: 'kubernetes-validate', version: KUBERNETES_VALIDATE_VERSION, executable: 'kubernetes-validate' });
}

/** The path of Chaos Mesh's manifests/crd.yaml, from its Go module. */
export function ensureChaosMeshCrds(cacheDir: string): Promise<string> {
  return goModuleFile(cacheDir, CHAOS_MESH_MODULE, CHAOS_MESH_VERSION, 'manifests/crd.yaml', 'the Chaos Mesh CRDs');
}

/** The path of the PrometheusRule CRD (monitoring.coreos.com), from the Prometheus Operator's Go module. */
export function ensurePrometheusRuleCrd(cacheDir: string): Promise<string> {
  return goModuleFile(cacheDir, PROMETHEUS_OPERATOR_MODULE, PROMETHEUS_OPERATOR_VERSION, 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml', 'the PrometheusRule CRD');
}

/** A file of a Go module, downloaded once into the cache's own module cache. */
async function goModuleFile(cacheDir: string, module: string, version: string, path: string, what: string): Promise<string> {
  const modCache = join(cacheDir, 'go-mod');
  mkdirSync(modCache, { recursive: true });
  // -modcacherw: the cache can be deleted like any other folder.
  const { stdout } = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    env: { ...process.env, GOMODCACHE: modCache, GOFLAGS: `${process.env['GOFLAGS'] ?? ''} -modcacherw`.trim() }, cwd: cacheDir,
    missing: `go is needed to download ${what} (apt-get install golang-go)`,
  });
  const download = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (!download.Dir) throw new Error(`go mod download ${module}@${version}: ${download.Error ?? 'no Dir in its answer'}`);
  const file = join(download.Dir, path);
  if (!existsSync(file)) throw new Error(`${file} is missing from the module ${module}`);
  return file;
}
