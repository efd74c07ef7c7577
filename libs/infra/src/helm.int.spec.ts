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
      '--set', 'services.gateway.replicas=6', '--set', 'appSecret.create=true', '--set', 'appSecret.jwtSecret=jwt-secret-of-at-least-thirty-two-bytes',
      '--set', 'appSecret.feedWebhookSecret=webhook-secret', '--set', 'appSecret.adminToken=admin-token-of-at-least-thirty-two-bytes', '--set', 'fairness.policy=event-time-void'], { encoding: 'utf8' });
    const kinds = [...rendered.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(5);
    expect(kinds).toContain('Job');
    expect(kinds.filter((k) => k === 'Secret')).toHaveLength(2);
    expect(rendered).toContain('jwt-secret: "jwt-secret-of-at-least-thirty-two-bytes"');
    expect(rendered).toContain('admin-token: "admin-token-of-at-least-thirty-two-bytes"');
    // Every service gets the policy and the signing key; the admin token is optional.
    expect(rendered.match(/name: FAIRNESS_POLICY, value: "event-time-void"/g)).toHaveLength(5);
    expect(rendered.match(/key: jwt-secret \}/g)).toHaveLength(5);
    expect(rendered).toContain('key: admin-token, optional: true');
    expect(rendered).toMatch(/name: demo-gateway[\s\S]*?replicas: 6/);
    expect(rendered).toContain('value: "kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092"');
    expect(() => execFileSync(helm, ['template', 'demo', CHART, '--set', 'infrastructure.databaseSecret.create=true'], { stdio: 'pipe' }))
      .toThrow(/databaseSecret.url is required/);
    expect(() => execFileSync(helm, ['template', 'demo', CHART, '--set', 'appSecret.create=true'], { stdio: 'pipe' })).toThrow(/appSecret.jwtSecret .* is required/);
  }, HELM_BUILD_TIMEOUT_MS);
});
