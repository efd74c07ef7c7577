// deploy/chaos: the Chaos Mesh experiments are what Chaos Mesh accepts (each
// checked against the openAPIV3Schema of its CRD, from the Chaos Mesh Go
// module, with unknown fields refused as `kubectl apply --validate=strict`
// would) and aim at pods that exist: every selector of an inplay service is
// the labels the chart gives that service's pods.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { localDirs } from '@inplay/config';
import { crdValidator } from '../test/crd-schema';
import { ensureChaosMeshCrds, ensureHelm } from './helm';

const CHAOS_DIR = fileURLToPath(new URL('../../../deploy/chaos', import.meta.url));
const CHART = fileURLToPath(new URL('../../../deploy/helm/inplay', import.meta.url));
/** The release name the experiments assume (README: helm install inplay ...). */
const RELEASE = 'inplay';
/** Building Helm and downloading the Chaos Mesh module (3.8 MB) on a fresh cache. */
const TOOLS_INSTALL_TIMEOUT_MS = 600_000;
const API_VERSION = 'chaos-mesh.org/v1alpha1';
/** Infrastructure the chart does not run: the labels README.md tells the operator to give it. */
const INFRASTRUCTURE_LABELS: Record<string, Record<string, string>> = {
  kafka: { 'app.kubernetes.io/name': 'kafka' },
  postgresql: { 'app.kubernetes.io/name': 'postgresql' },
};

type Selector = { labelSelectors?: Record<string, string>; namespaces?: string[] };
type Experiment = {
  apiVersion: string; kind: string; metadata: { name: string };
  spec: { action: string; mode: string; selector: Selector; target?: { mode: string; selector: Selector }; direction?: string; duration?: string; delay?: { latency: string; jitter?: string }; gracePeriod?: number };
};
describe('deploy/chaos experiments', () => {
  const experiments: { file: string; experiment: Experiment }[] = readdirSync(CHAOS_DIR).filter((f) => f.endsWith('.yaml')).sort().flatMap((file) =>
    parseAllDocuments(readFileSync(join(CHAOS_DIR, file), 'utf8')).map((d) => ({ file, experiment: d.toJS() as Experiment })));
  let problems: (experiment: unknown) => string[];
  /** The selector labels of each service's pods, as the chart renders them for the release. */
  let podLabels: Map<string, Record<string, string>>;

  beforeAll(async () => {
    const { cacheDir } = localDirs();
    problems = crdValidator(await ensureChaosMeshCrds(cacheDir), API_VERSION, ['PodChaos', 'NetworkChaos']);
    const rendered = execFileSync(await ensureHelm(cacheDir), ['template', RELEASE, CHART], { encoding: 'utf8' });
    type Deployment = { kind: string; metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> } } } };
    const deployments = parseAllDocuments(rendered).map((d) => d.toJS() as Deployment | null).filter((m): m is Deployment => m?.kind === 'Deployment');
    podLabels = new Map(deployments.map((d) => [d.metadata.name.slice(RELEASE.length + 1), d.spec.template.metadata.labels]));
  }, TOOLS_INSTALL_TIMEOUT_MS);

  it('kills settlement, a gateway and a broker, and delays and partitions settlement from Kafka and from Postgres', () => {
    const summary = experiments.map(({ file, experiment: e }) => `${file}: ${e.kind} ${e.spec.action} ${e.spec.selector.labelSelectors?.['app.kubernetes.io/name']}${e.spec.target ? ` -> ${e.spec.target.selector.labelSelectors?.['app.kubernetes.io/name']}` : ''}`);
    expect(summary).toEqual([
      'network-delay-settlement-kafka.yaml: NetworkChaos delay settlement -> kafka',
      'network-delay-settlement-postgres.yaml: NetworkChaos delay settlement -> postgresql',
      'network-partition-settlement-kafka.yaml: NetworkChaos partition settlement -> kafka',
      'network-partition-settlement-postgres.yaml: NetworkChaos partition settlement -> postgresql',
      'pod-kill-gateway.yaml: PodChaos pod-kill gateway',
      'pod-kill-kafka-broker.yaml: PodChaos pod-kill kafka',
      'pod-kill-settlement.yaml: PodChaos pod-kill settlement',
    ]);
    for (const { file, experiment: e } of experiments) {
      expect(e.apiVersion, file).toBe(API_VERSION);
      if (e.kind === 'PodChaos') expect({ mode: e.spec.mode, gracePeriod: e.spec.gracePeriod }, file).toEqual({ mode: 'one', gracePeriod: 0 });
      if (e.spec.action === 'delay') expect({ delay: e.spec.delay, duration: e.spec.duration }, file).toMatchObject({ delay: { latency: '200ms', jitter: '50ms' }, duration: '5m' });
      if (e.spec.action === 'partition') expect({ direction: e.spec.direction, duration: e.spec.duration }, file).toEqual({ direction: 'both', duration: '60s' });
    }
    expect(new Set(experiments.map((x) => x.experiment.metadata.name)).size).toBe(experiments.length);
  });

  it('is accepted by the Chaos Mesh CRD schemas, which refuse a misspelled field and a bad action (positive control)', () => {
    for (const { file, experiment } of experiments) expect(problems(experiment), file).toEqual([]);
    const planted = structuredClone(experiments.find((x) => x.file === 'pod-kill-settlement.yaml')!.experiment) as Experiment & { spec: Record<string, unknown> };
    planted.spec['action'] = 'pod-kil';
    planted.spec['selectr'] = planted.spec['selector'];
    expect(problems(planted)).toEqual(expect.arrayContaining(['.spec.action should be equal to one of the allowed values', '.spec should NOT have additional properties (selectr)']));
    const badLatency = structuredClone(experiments.find((x) => x.file === 'network-delay-settlement-kafka.yaml')!.experiment);
    badLatency.spec.delay = { latency: '200 millis' };
    expect(problems(badLatency).join('\n')).toMatch(/\.spec\.delay\.latency should match pattern/);
  });

  it('selects pods by the labels the chart gives them (release "inplay"), and infrastructure by the labels README.md asks for', () => {
    expect([...podLabels.keys()].sort()).toEqual(['feed-ingest', 'gateway', 'leaderboard', 'pricing', 'settlement']);
    for (const { file, experiment: e } of experiments) {
      for (const selector of [e.spec.selector, e.spec.target?.selector].filter((s): s is Selector => s !== undefined)) {
        const labels = selector.labelSelectors ?? {};
        const name = labels['app.kubernetes.io/name'] ?? '';
        const expected = podLabels.has(name)
          ? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': podLabels.get(name)!['app.kubernetes.io/instance']! }
          : INFRASTRUCTURE_LABELS[name];
        expect(expected, `${file}: ${name || 'a selector without app.kubernetes.io/name'} is neither a chart service nor known infrastructure`).toBeDefined();
        expect(labels, file).toEqual(expected);
        if (podLabels.has(name)) expect(Object.entries(labels).every(([k, v]) => podLabels.get(name)![k] === v), `${file}: every label is on the chart's ${name} pods`).toBe(true);
        // The experiments act in the namespace they are applied to (kubectl apply -n), never a hard-coded one.
        expect(selector.namespaces, file).toBeUndefined();
      }
    }
    expect(podLabels.get('settlement')?.['app.kubernetes.io/instance']).toBe(RELEASE);
  });
});
