// The Helm chart lints and renders every service, the bootstrap job and the
// database secret, with the values a user would set.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { localDirs } from '@inplay/config';
import { ensureHelm } from './helm';

const CHART = fileURLToPath(new URL('../../../deploy/helm/inplay', import.meta.url));
const HELM_BUILD_TIMEOUT_MS = 600_000;

describe('deploy/helm chart', () => {
  it('lints and renders deployments for every service, the gateway service and the bootstrap job', async () => {
    const helm = await ensureHelm(localDirs().cacheDir);
    expect(execFileSync(helm, ['lint', CHART], { encoding: 'utf8' })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const rendered = execFileSync(helm, ['template', 'demo', CHART,
      '--set', 'infrastructure.databaseSecret.create=true', '--set', 'infrastructure.databaseSecret.url=postgres://u:p@db:5432/inplay',
      '--set', 'services.gateway.replicas=6'], { encoding: 'utf8' });
    const kinds = [...rendered.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(5);
    expect(kinds).toContain('Job');
    expect(kinds).toContain('Secret');
    expect(rendered).toMatch(/name: demo-gateway[\s\S]*?replicas: 6/);
    expect(rendered).toContain('value: "kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092"');
    expect(() => execFileSync(helm, ['template', 'demo', CHART, '--set', 'infrastructure.databaseSecret.create=true'], { stdio: 'pipe' }))
      .toThrow(/databaseSecret.url is required/);
  }, HELM_BUILD_TIMEOUT_MS);
});
