// `inplay images build`: the service, Kafka and Postgres images, with their
// bases made here when no registry answers. Prints what it built and how long
// each took; an image whose build context is unchanged is kept.
import { join } from 'node:path';
import { buildImages, ensureBaseImages, ensureDockerEngine, IMAGE_KINDS, progress } from '@inplay/infra';
import { listOption } from '../options';
import { loadSettings } from '../settings';

export async function imagesBuildCommand(options: { only?: string; force?: boolean }): Promise<void> {
  const only = listOption('only', options.only, IMAGE_KINDS);
  const settings = loadSettings();
  const logDir = join(settings.stateDir, 'logs');
  const started = Date.now();
  const engine = await ensureDockerEngine(logDir);
  console.log(`Docker engine ${engine}`);
  const bases = progress('Base images');
  const baseReports = await ensureBaseImages(settings.cacheDir, bases);
  bases.done(baseReports.map((b) => `${b.ref} ${b.how}${b.ms ? ` in ${(b.ms / 1000).toFixed(1)} s` : ''}`).join(', '));
  const p = progress('Images');
  const reports = await buildImages({ cacheDir: settings.cacheDir, logDir, progress: p, ...(only ? { only } : {}), ...(options.force ? { force: true } : {}) });
  p.done(`${reports.filter((r) => r.built).length} built, ${reports.filter((r) => !r.built).length} unchanged`);
  for (const r of reports) console.log(`  ${r.ref.padEnd(28)} ${r.built ? 'built' : 'unchanged'} in ${(r.ms / 1000).toFixed(1)} s`);
  console.log(`images ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
