// The Helm chart an operator installs: it lints clean (also --strict), renders
// with the demo values, every manifest validates offline against the Kubernetes
// schemas (strict: an unknown field fails), and the properties that make it safe
// to run hold in what it renders: non-root read-only containers with limits,
// probes on ports that exist, only public ports public, default-deny ingress,
// a Kafka principal per service (admin only for the bootstrap job) over TLS,
// disruption budgets, the gateway's autoscaler, topic replication from values,
// and the PrometheusRule paging on dead letters (checked against its CRD, as
// kubernetes-validate has no schema for it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { localDirs } from '@inplay/config';
import { DEAD_LETTER_REASONS, DEAD_LETTERS_METRIC } from '@inplay/kafka';
import { crdValidator } from '../test/crd-schema';
import { ensureHelm, ensurePrometheusRuleCrd, ensureKubernetesValidate } from './helm';

const CHART = fileURLToPath(new URL('../../../deploy/helm/inplay', import.meta.url));
const DEMO_VALUES = join(CHART, 'ci', 'demo-values.yaml');
/** Building Helm and installing kubernetes-validate on a fresh cache. */
const TOOLS_INSTALL_TIMEOUT_MS = 600_000;
/** The Kubernetes release the manifests must be valid for (kubernetes-validate ships its schemas). */
const KUBERNETES_VERSION = '1.30.0';
const SERVICES = ['feed-ingest', 'gateway', 'leaderboard', 'pricing', 'settlement'];
/** The Prometheus Operator's API: the chart renders its alerts only where the cluster serves it. */
const MONITORING_API = 'monitoring.coreos.com/v1';

/** A rendered manifest, as far as these checks read it. */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } & Record<string, unknown>;
type Port = { name: string; containerPort: number };
type Probe = { httpGet: { path: string; port: string }; failureThreshold: number; periodSeconds: number };
type Container = {
  name: string; args: string[]; ports?: Port[]; env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } } }[];
  readinessProbe?: Probe; livenessProbe?: Probe; startupProbe?: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string }[];
};
type PodSpec = { containers: Container[]; securityContext: Record<string, unknown>; volumes: { name: string; emptyDir?: unknown }[]; automountServiceAccountToken?: boolean };
type Workload = Manifest & { spec: { replicas?: number; selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

let helm: string;
let validator: string;
let work: string;
let ruleProblems: (rule: unknown) => string[];

function render(...args: string[]): Manifest[] {
  const text = execFileSync(helm, ['template', 'demo', CHART, '-f', DEMO_VALUES, ...args], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
}

function renderFails(...args: string[]): string {
  const result = spawnSync(helm, ['template', 'demo', CHART, ...args], { encoding: 'utf8' });
  expect(result.status, 'helm template should have refused these values').not.toBe(0);
  return result.stderr;
}

/** kubernetes-validate --strict on the given manifests: its exit code and report. */
function validate(manifests: unknown[], file: string): { status: number | null; output: string } {
  const path = join(work, file);
  writeFileSync(path, manifests.map((m) => stringify(m)).join('---\n'));
  const result = spawnSync(validator, ['--strict', '--kubernetes-version', KUBERNETES_VERSION, path], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const byKind = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const named = <T extends Manifest>(manifests: Manifest[], kind: string, name: string): T => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found as T;
};
const workloads = (manifests: Manifest[]): Workload[] => manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job') as Workload[];
const envOf = (c: Container): Record<string, string | undefined> => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? `secret:${e.valueFrom?.secretKeyRef.key}`]));

describe('deploy/helm chart', () => {
  let demo: Manifest[];
  beforeAll(async () => {
    const { cacheDir } = localDirs();
    helm = await ensureHelm(cacheDir);
    validator = await ensureKubernetesValidate(cacheDir);
    ruleProblems = crdValidator(await ensurePrometheusRuleCrd(cacheDir), MONITORING_API, ['PrometheusRule']);
    work = mkdtempSync(join(tmpdir(), 'inplay-helm-'));
    demo = render();
  }, TOOLS_INSTALL_TIMEOUT_MS);
  afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it('lints clean, also with --strict, with the defaults and with the demo values', () => {
    for (const args of [[], ['--strict'], ['--strict', '-f', DEMO_VALUES]]) {
      expect(execFileSync(helm, ['lint', CHART, ...args], { encoding: 'utf8' })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it(`renders only manifests valid for Kubernetes ${KUBERNETES_VERSION} (strict: no unknown field), with and without the autoscaler and demo secrets`, () => {
    const variants = [demo, render('--set', 'services.gateway.autoscaling.enabled=false'), render('--set', 'infrastructure.databaseSecret.create=false', '--set', 'infrastructure.registrySecret.create=false', '--set', 'appSecret.create=false', '--set', 'kafka.sasl.create=false')];
    for (const [i, manifests] of variants.entries()) {
      const { status, output } = validate(manifests, `rendered-${i}.yaml`);
      expect(output).not.toMatch(/ERROR|WARN/);
      expect(status, output).toBe(0);
      expect(output.match(/^INFO .* passed for resource /gm), output).toHaveLength(manifests.length);
    }
    expect(demo.map((m) => m.kind).sort()).toEqual([
      ...Array(5).fill('Deployment'), 'HorizontalPodAutoscaler', 'Job', ...Array(5).fill('NetworkPolicy'), ...Array(3).fill('PodDisruptionBudget'),
      'Secret', 'Secret', 'Secret', 'Secret', ...Array(7).fill('Service'),
    ]);
  });

  it('has a validator that really validates: a misspelled field and a wrong type fail (positive control)', () => {
    const gateway = named<Workload>(demo, 'Deployment', 'demo-gateway');
    const misspelled = structuredClone(gateway) as Workload;
    const container = misspelled.spec.template.spec.containers[0] as Container & { securityContex?: unknown };
    container.securityContex = container.securityContext;
    const wrongType = structuredClone(gateway) as Workload;
    (wrongType.spec as Record<string, unknown>)['replicas'] = 'four';
    wrongType.metadata.name = 'demo-gateway-wrong-type';
    const { status, output } = validate([misspelled, wrongType], 'planted.yaml');
    expect(status).not.toBe(0);
    expect(output).toMatch(/deployment\/demo-gateway .*'securityContex' was unexpected/);
    expect(output).toMatch(/deployment\/demo-gateway-wrong-type .*'four' is not of type 'integer'/);
  });

  it('runs every container as uid 1000, non-root, without privilege escalation or capabilities, on a read-only root with /tmp and cpu and memory limits', () => {
    const all = workloads(demo);
    expect(all.map((w) => w.metadata.name).sort()).toEqual(['demo-bootstrap', ...SERVICES.map((s) => `demo-${s}`)]);
    for (const w of all) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext, w.metadata.name).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken, w.metadata.name).toBe(false);
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
      for (const c of pod.containers) {
        expect(c.securityContext, c.name).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(c.volumeMounts, c.name).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        for (const side of ['requests', 'limits'] as const) {
          expect(Object.keys(c.resources[side] ?? {}).sort(), `${c.name} ${side}`).toEqual(['cpu', 'memory']);
        }
      }
    }
    // A service's own resources override the default block key by key.
    const custom = named<Workload>(render('--set', 'services.settlement.resources.limits.memory=2Gi'), 'Deployment', 'demo-settlement');
    expect(custom.spec.template.spec.containers[0]?.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '2Gi' } });
  });

  it('runs each service from its bundle in the image, listening on 0.0.0.0, and probes /health on a port the container declares', () => {
    for (const name of SERVICES) {
      const container = named<Workload>(demo, 'Deployment', `demo-${name}`).spec.template.spec.containers[0]!;
      expect(container.args).toEqual([`dist/${name}.mjs`]);
      expect(envOf(container)['METRICS_HOST']).toBe('0.0.0.0');
      const declared = (container.ports ?? []).map((p) => p.name);
      const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
      for (const probe of probes) {
        expect(probe?.httpGet.path, name).toBe('/health');
        expect(declared, `${name} probes port ${probe?.httpGet.port}`).toContain(probe?.httpGet.port);
      }
      // Liveness tolerates more than readiness: a busy pod leaves the load balancer before it is restarted.
      expect(container.livenessProbe!.failureThreshold * container.livenessProbe!.periodSeconds).toBeGreaterThan(container.readinessProbe!.failureThreshold * container.readinessProbe!.periodSeconds);
      expect(container.startupProbe!.failureThreshold * container.startupProbe!.periodSeconds).toBeGreaterThanOrEqual(120);
      expect(container.readinessProbe!.httpGet.port).toBe(name === 'gateway' ? 'http' : 'metrics');
    }
    const gateway = envOf(named<Workload>(demo, 'Deployment', 'demo-gateway').spec.template.spec.containers[0]!);
    expect(gateway).toMatchObject({ GATEWAY_HOST: '0.0.0.0', GATEWAY_PORT: '8080', GATEWAY_INTERNAL_PORT: '9400', GATEWAY_ALLOWED_ORIGINS: 'https://play.example.com' });
    expect(envOf(named<Workload>(demo, 'Deployment', 'demo-feed-ingest').spec.template.spec.containers[0]!)).toMatchObject({ FEED_HTTP_PORT: '8090', METRICS_PORT: '9400' });
  });

  it('exposes the gateway publicly on its http port only (LoadBalancer), metrics on headless in-cluster services', () => {
    const gateway = named(demo, 'Service', 'demo-gateway') as Manifest & { spec: { type: string; ports: { name: string; port: number; targetPort: string }[] } };
    expect(gateway.spec.type).toBe('LoadBalancer');
    expect(gateway.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    for (const service of byKind(demo, 'Service') as (Manifest & { spec: { type: string; clusterIP?: string; ports: { targetPort: string }[] } })[]) {
      if (service.metadata.name.endsWith('-metrics')) {
        expect(service.spec.clusterIP, service.metadata.name).toBe('None');
        expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['metrics']);
      } else {
        expect(service.spec.ports.map((p) => p.targetPort), service.metadata.name).toEqual(['http']);
      }
    }
    expect(named(demo, 'Service', 'demo-feed-ingest').spec).toMatchObject({ type: 'ClusterIP' });
  });

  it('denies ingress by default; public ports open to anyone, metrics to the monitoring namespace, the rest within the release', () => {
    type Policy = Manifest & { spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress?: { from?: unknown[]; ports?: { port: string }[] }[] } };
    const policies = byKind(demo, 'NetworkPolicy') as Policy[];
    const deny = named<Policy>(policies, 'NetworkPolicy', 'demo-default-deny-ingress');
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'demo' } }, policyTypes: ['Ingress'] });
    for (const name of ['gateway', 'feed-ingest']) {
      const open = named<Policy>(policies, 'NetworkPolicy', `demo-${name}-public`);
      expect(open.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'demo' });
      expect(open.spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    }
    expect(named<Policy>(policies, 'NetworkPolicy', 'demo-metrics').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'metrics', protocol: 'TCP' }] },
    ]);
    expect(named<Policy>(policies, 'NetworkPolicy', 'demo-within-release').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'demo' } } }] }]);
    // Every pod of the release is under the default deny.
    for (const w of workloads(demo)) expect(w.spec.template.metadata.labels['app.kubernetes.io/instance'], w.metadata.name).toBe('demo');
    expect(byKind(render('--set', 'networkPolicy.enabled=false'), 'NetworkPolicy')).toEqual([]);
  });

  it('keeps replicated services through drains (PDB) and scales the gateway on CPU with no fixed replica count', () => {
    type Pdb = Manifest & { spec: { maxUnavailable?: number; minAvailable?: number; selector: { matchLabels: Record<string, string> } } };
    const pdbs = byKind(demo, 'PodDisruptionBudget') as Pdb[];
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual(['demo-gateway', 'demo-pricing', 'demo-settlement']);
    for (const pdb of pdbs) {
      expect(pdb.spec.maxUnavailable).toBe(1);
      const deployment = named<Workload>(demo, 'Deployment', pdb.metadata.name);
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector?.matchLabels);
    }
    expect(named<Pdb>(render('--set', 'services.settlement.pdb.minAvailable=2'), 'PodDisruptionBudget', 'demo-settlement').spec).toMatchObject({ minAvailable: 2 });

    const hpa = named(demo, 'HorizontalPodAutoscaler', 'demo-gateway');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-gateway' }, minReplicas: 2, maxReplicas: 12,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(named<Workload>(demo, 'Deployment', 'demo-gateway').spec).not.toHaveProperty('replicas');
    expect(named<Workload>(demo, 'Deployment', 'demo-settlement').spec.replicas).toBe(3);
    const fixed = render('--set', 'services.gateway.autoscaling.enabled=false', '--set', 'services.gateway.replicas=6');
    expect(byKind(fixed, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(named<Workload>(fixed, 'Deployment', 'demo-gateway').spec.replicas).toBe(6);
  });

  it('gives the bootstrap job the topic replication from values, before install and upgrade', () => {
    const job = named<Workload>(demo, 'Job', 'demo-bootstrap');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const container = job.spec.template.spec.containers[0]!;
    expect(container.args).toEqual(['dist/bootstrap.mjs']);
    expect(envOf(container)).toMatchObject({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', DATABASE_URL: 'secret:url', KAFKA_BROKERS: 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092' });
    // Each service's URL, so the bootstrap makes each role a login with its password.
    expect(envOf(container)).toMatchObject({
      GATEWAY_DATABASE_URL: 'secret:gateway-url', SETTLEMENT_DATABASE_URL: 'secret:settlement-url', PRICING_DATABASE_URL: 'secret:pricing-url',
      FEED_INGEST_DATABASE_URL: 'secret:feed-ingest-url', LEADERBOARD_DATABASE_URL: 'secret:leaderboard-url',
    });
    const single = named<Workload>(render('--set', 'kafka.replicationFactor=1', '--set', 'kafka.minInsyncReplicas=1'), 'Job', 'demo-bootstrap');
    expect(envOf(single.spec.template.spec.containers[0]!)).toMatchObject({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '1' });
    // The demo's database Secret exists before the job that reads it.
    const databaseSecret = named(demo, 'Secret', 'inplay-database');
    expect(Number(databaseSecret.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations?.['helm.sh/hook-weight']));
  });

  it('gives the registry writer\'s credentials to the bootstrap job only, from a Secret that exists before it', () => {
    const job = named<Workload>(demo, 'Job', 'demo-bootstrap');
    const refs = job.spec.template.spec.containers[0]!.env.filter((e) => e.name.startsWith('SCHEMA_REGISTRY_') && e.valueFrom)
      .map((e) => `${e.name}=${e.valueFrom!.secretKeyRef.name}/${e.valueFrom!.secretKeyRef.key}`);
    expect(refs).toEqual(['SCHEMA_REGISTRY_USER=inplay-registry/username', 'SCHEMA_REGISTRY_PASSWORD=inplay-registry/password']);
    const registrySecret = named(demo, 'Secret', 'inplay-registry');
    expect(registrySecret['stringData']).toEqual({ username: 'inplay-admin', password: 'demo-registry-writer-password' });
    expect(Number(registrySecret.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations?.['helm.sh/hook-weight']));
    for (const name of SERVICES) {
      const env = named<Workload>(demo, 'Deployment', `demo-${name}`).spec.template.spec.containers[0]!.env.map((e) => e.name);
      expect(env.filter((e) => e === 'SCHEMA_REGISTRY_USER' || e === 'SCHEMA_REGISTRY_PASSWORD'), name).toEqual([]);
    }
    const anonymous = named<Workload>(render('--set', 'infrastructure.registrySecret.name=', '--set', 'infrastructure.registrySecret.create=false'), 'Job', 'demo-bootstrap');
    expect(anonymous.spec.template.spec.containers[0]!.env.map((e) => e.name)).not.toContain('SCHEMA_REGISTRY_USER');
  });

  it('gives each service only the secrets it reads, from existing Secrets or the demo ones', () => {
    const secretsOf = (name: string): string[] => named<Workload>(demo, 'Deployment', `demo-${name}`).spec.template.spec.containers[0]!.env
      .filter((e) => e.valueFrom).map((e) => `${e.name}=${e.valueFrom!.secretKeyRef.name}/${e.valueFrom!.secretKeyRef.key}${e.valueFrom!.secretKeyRef.optional ? '?' : ''}`);
    // Each service its own Kafka principal's password and its own Postgres role's URL; the owner's (url) only for the bootstrap job.
    const own = (name: string): string[] => [`KAFKA_SASL_PASSWORD=inplay-kafka-users/${name}`, `DATABASE_URL=inplay-database/${name}-url`];
    // The order signing key: the gateway signs orders with it, settlement checks them by it; nobody else has it.
    expect(secretsOf('gateway')).toEqual([...own('gateway'), 'JWT_SECRET=inplay-app/jwt-secret', 'ORDER_SIGNING_KEY=inplay-app/order-signing-key', 'GATEWAY_ADMIN_TOKEN=inplay-app/admin-token?']);
    expect(secretsOf('settlement')).toEqual([...own('settlement'), 'ORDER_SIGNING_KEY=inplay-app/order-signing-key']);
    expect(secretsOf('feed-ingest')).toEqual([...own('feed-ingest'), 'FEED_WEBHOOK_SECRET=inplay-app/feed-webhook-secret']);
    for (const name of ['pricing', 'leaderboard']) expect(secretsOf(name), name).toEqual(own(name));
    expect(Object.keys(named(demo, 'Secret', 'inplay-database')['stringData'] as object).sort())
      .toEqual(['feed-ingest-url', 'gateway-url', 'leaderboard-url', 'pricing-url', 'settlement-url', 'url']);
    const shared = render('--set', 'infrastructure.databaseSecret.perService=false');
    expect(JSON.stringify(named(shared, 'Deployment', 'demo-settlement'))).toContain('"name":"inplay-database","key":"url"');
    expect(JSON.stringify(named(shared, 'Job', 'demo-bootstrap'))).not.toContain('SETTLEMENT_DATABASE_URL');
    const policyOf = (name: string) => envOf(named<Workload>(demo, 'Deployment', `demo-${name}`).spec.template.spec.containers[0]!)['FAIRNESS_POLICY'];
    expect(SERVICES.map(policyOf)).toEqual([undefined, 'event-time-void', undefined, undefined, 'event-time-void']);
    expect(named(demo, 'Secret', 'inplay-app')['stringData']).toEqual({
      'jwt-secret': 'demo-jwt-secret-of-at-least-sixty-four-bytes-because-this-is-production', 'feed-webhook-secret': 'demo-webhook-secret-0123456789',
      'order-signing-key': 'demo-order-signing-key-of-at-least-32-bytes', 'admin-token': 'demo-admin-token-of-at-least-thirty-two-bytes',
    });
    const external = render('--set', 'infrastructure.databaseSecret.create=false', '--set', 'infrastructure.registrySecret.create=false', '--set', 'appSecret.create=false', '--set', 'kafka.sasl.create=false', '--set', 'appSecret.name=prod-app');
    expect(byKind(external, 'Secret')).toEqual([]);
    expect(JSON.stringify(named(external, 'Deployment', 'demo-gateway'))).toContain('"name":"prod-app","key":"jwt-secret"');
  });

  it('logs each service in to Kafka as its own principal, the bootstrap job as admin, over TLS with only the brokers\' CA mounted', () => {
    type SecretVolume = { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } };
    const kafkaOf = (w: Workload) => {
      const container = w.spec.template.spec.containers[0]!;
      const env = envOf(container);
      const password = container.env.find((e) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef;
      const volume = (w.spec.template.spec.volumes as SecretVolume[]).find((v) => v.name === 'kafka-tls');
      return { username: env['KAFKA_SASL_USERNAME'], password, caFile: env['KAFKA_TLS_CA_FILE'], mount: container.volumeMounts.find((m) => m.name === 'kafka-tls'), volume };
    };
    const principals = SERVICES.map((name) => {
      const k = kafkaOf(named<Workload>(demo, 'Deployment', `demo-${name}`));
      expect(k.username, name).toBe(name);
      expect(k.password, name).toEqual({ name: 'inplay-kafka-users', key: name });
      return k.username;
    });
    expect(new Set(principals).size, 'no two services share a principal').toBe(SERVICES.length);
    expect(principals).not.toContain('admin');
    const job = kafkaOf(named<Workload>(demo, 'Job', 'demo-bootstrap'));
    expect(job.username).toBe('admin');
    expect(job.password).toEqual({ name: 'inplay-kafka-users', key: 'admin' });
    // TLS is on by default: every workload trusts the CA, and only ca.crt of the Secret reaches a pod (never the brokers' key).
    for (const w of workloads(demo)) {
      const k = kafkaOf(w);
      expect(k.caFile, w.metadata.name).toBe('/etc/inplay/kafka-tls/ca.crt');
      expect(k.mount, w.metadata.name).toEqual({ name: 'kafka-tls', mountPath: '/etc/inplay/kafka-tls', readOnly: true });
      expect(k.volume, w.metadata.name).toEqual({ name: 'kafka-tls', secret: { secretName: 'inplay-kafka-tls', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    }
    const certManager = render('--set', 'kafka.tls.secretName=kafka-broker-cert', '--set', 'kafka.tls.caKey=ca.pem');
    expect(kafkaOf(named<Workload>(certManager, 'Deployment', 'demo-settlement')).volume?.secret).toEqual({ secretName: 'kafka-broker-cert', items: [{ key: 'ca.pem', path: 'ca.crt' }] });
    // The demo's users Secret: a password per principal, made before the job that reads it.
    const users = named(demo, 'Secret', 'inplay-kafka-users');
    expect(Object.keys(users['stringData'] as object).sort()).toEqual(['admin', ...SERVICES].sort());
    expect(Number(users.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(named(demo, 'Job', 'demo-bootstrap').metadata.annotations?.['helm.sh/hook-weight']));

    const plain = render('--set', 'kafka.tls.enabled=false');
    expect(validate(plain, 'plain.yaml').status).toBe(0);
    for (const w of workloads(plain)) {
      const k = kafkaOf(w);
      expect([k.caFile, k.mount, k.volume], w.metadata.name).toEqual([undefined, undefined, undefined]);
      expect(k.username, w.metadata.name).toBeDefined();
    }
    const anonymous = render('--set', 'kafka.sasl.enabled=false', '--set', 'kafka.tls.enabled=false');
    expect(byKind(anonymous, 'Secret').map((m) => m.metadata.name)).not.toContain('inplay-kafka-users');
    for (const w of workloads(anonymous)) expect(JSON.stringify(w), w.metadata.name).not.toMatch(/KAFKA_SASL_|KAFKA_TLS_/);
  });

  it('pages on any dead letter with a PrometheusRule the operator accepts, rendered only where its API is served and alerts are on', () => {
    type Alert = { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> };
    type Rule = Manifest & { spec: { groups: { name: string; rules: Alert[] }[] } };
    const withApi = render('--api-versions', MONITORING_API, '--namespace', 'trading', '--set', 'alerts.labels.release=kube-prometheus-stack');
    const rule = named<Rule>(withApi, 'PrometheusRule', 'demo-alerts');
    expect(ruleProblems(rule)).toEqual([]);
    // Everything else is what kubernetes-validate checked above.
    expect(withApi.filter((m) => m.kind !== 'PrometheusRule')).toEqual(render('--namespace', 'trading'));
    expect(rule.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'demo', release: 'kube-prometheus-stack' });
    const alerts = rule.spec.groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => [a.alert, a.expr, a.for, a.labels])).toEqual([
      ['InplayDeadLetter', `increase(${DEAD_LETTERS_METRIC}[5m]) > 0`, undefined, { severity: 'page' }],
    ]);
    // What to do, for whoever is paged: Prometheus' own templating passed through, every reason explained, where the records are and how to read them.
    const { summary, description } = alerts[0]!.annotations;
    expect(summary).toBe('{{ $labels.service }} dead-lettered records of {{ $labels.source_topic }} ({{ $labels.reason }})');
    for (const words of ['{{ $labels.service }}', '{{ $value | humanize }}', ...DEAD_LETTER_REASONS.map((r) => `${r}:`), 'x-source-topic, x-source-partition, x-source-offset, x-error and x-reason']) {
      expect(description, words).toContain(words);
    }
    expect(description).toContain('kubectl exec -n trading kafka-0 -- kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic dead.letter --from-beginning');
    expect(description).toContain('--property print.headers=true');

    expect(byKind(demo, 'PrometheusRule')).toEqual([]);
    expect(byKind(render('--api-versions', MONITORING_API, '--set', 'alerts.enabled=false'), 'PrometheusRule')).toEqual([]);
    // Positive control: the CRD schema refuses a misspelled field and a rule without its expression.
    const planted = structuredClone(rule);
    (planted.spec.groups[0]!.rules[0] as Partial<Alert> & { exprr?: string }).exprr = planted.spec.groups[0]!.rules[0]!.expr;
    delete (planted.spec.groups[0]!.rules[0] as Partial<Alert>).expr;
    (planted.spec as Record<string, unknown>)['group'] = [];
    expect(ruleProblems(planted)).toEqual(expect.arrayContaining(['.spec should NOT have additional properties (group)', ".spec.groups[0].rules[0] should NOT have additional properties (exprr)", ".spec.groups[0].rules[0] should have required property 'expr'"]));
  });

  it('refuses values that cannot work, saying which and why', () => {
    expect(renderFails('--set', 'infrastructure.databaseSecret.create=true')).toMatch(/infrastructure.databaseSecret.url is required when create is true/);
    expect(renderFails('--set', 'infrastructure.databaseSecret.create=true', '--set', 'infrastructure.databaseSecret.url=postgres://o:p@db/inplay'))
      .toMatch(/infrastructure.databaseSecret.serviceUrls.[a-z-]+ \(its own role's URL\) is required/);
    expect(renderFails('--set', 'appSecret.create=true')).toMatch(/appSecret.jwtSecret \(at least 64 bytes\) is required when create is true/);
    expect(renderFails('--set', 'infrastructure.registrySecret.create=true')).toMatch(/infrastructure.registrySecret.username is required when create is true/);
    expect(renderFails('--set', 'kafka.minInsyncReplicas=4')).toMatch(/kafka.minInsyncReplicas must be from 1 to kafka.replicationFactor \(3\), got 4/);
    expect(renderFails('--set', 'services.gateway.autoscaling.minReplicas=20')).toMatch(/services.gateway.autoscaling.minReplicas \(20\) must not exceed maxReplicas \(12\)/);
    expect(renderFails('--set', 'resources.limits.cpu=null')).toMatch(/resources need requests and limits for both cpu and memory/);
    expect(renderFails('--set', 'metricsPort=8080')).toMatch(/metricsPort must differ from services.gateway.port/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'appSecret.orderSigningKey=')).toMatch(/appSecret.orderSigningKey \(at least 32 bytes, the gateway's and settlement's\) is required when create is true/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'appSecret.orderSigningKey=short')).toMatch(/appSecret.orderSigningKey must be at least 32 bytes/);
    expect(renderFails('--set', 'kafka.tls.secretName=')).toMatch(/kafka.tls.secretName and kafka.tls.caKey are required with kafka.tls.enabled/);
    expect(renderFails('--set', 'kafka.sasl.secretName=')).toMatch(/kafka.sasl.secretName is required with kafka.sasl.enabled/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'kafka.sasl.passwords.pricing=')).toMatch(/kafka.sasl.passwords.pricing \(its Kafka principal's password\) is required/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'services.admin.entry=dist/gateway.mjs')).toMatch(/services.admin: admin is the Kafka super user/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'appSecret.jwtSecret=only-forty-bytes-long-which-is-too-short')).toMatch(/appSecret.jwtSecret must be at least 64 bytes in production/);
  });

  it('runs every service in production (INPLAY_ENV) and never enables the dev login, whatever the values say', () => {
    const variants = [demo, render('--set', 'services.gateway.autoscaling.enabled=false'), render('--set', 'infrastructure.databaseSecret.create=false', '--set', 'appSecret.create=false')];
    for (const manifests of variants) {
      const containers = workloads(manifests).flatMap((w) => w.spec.template.spec.containers.map((c) => ({ workload: w, container: c })));
      expect(containers.length).toBeGreaterThanOrEqual(SERVICES.length);
      for (const { workload, container } of containers) {
        const env = envOf(container);
        if (workload.kind === 'Deployment') expect(env['INPLAY_ENV'], container.name).toBe('production');
        expect(env['GATEWAY_DEV_LOGIN'] ?? 'unset', container.name).not.toMatch(/^(true|1|yes)$/);
      }
      // Nothing anywhere in what is rendered turns the dev login on (a ConfigMap, an annotation, a Secret).
      expect(JSON.stringify(manifests)).not.toMatch(/GATEWAY_DEV_LOGIN/);
    }
    expect(renderFails('-f', DEMO_VALUES, '--set', 'services.gateway.env.GATEWAY_DEV_LOGIN=true')).toMatch(/services.gateway.env.GATEWAY_DEV_LOGIN is not allowed: the chart runs production/);
    expect(renderFails('-f', DEMO_VALUES, '--set', 'services.gateway.env.INPLAY_ENV=development')).toMatch(/services.gateway.env.INPLAY_ENV is not allowed/);
  });
});
