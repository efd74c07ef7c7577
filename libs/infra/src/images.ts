// Container images of inplay, built here: the service image (bundled JS), a
// Kafka image (the broker's jars from Maven Central on Debian's Java 17) and a
// Postgres image (Debian's postgresql-15). The Dockerfiles in deploy/docker
// start FROM the ordinary public bases (debian:bookworm-slim,
// node:20-bookworm-slim) so they build anywhere; where no image registry
// answers, those bases are made locally (debootstrap + docker import, then
// this machine's Node 20 binary on top). Each image carries a hash of its
// build context: an image whose context has not changed is not built again.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { userInfo } from 'node:os';
import { bundleServices } from './bundle';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-local';
import type { Progress } from './progress';
import { REPO_ROOT } from './ts-process';
import { buildWebClient } from './web-client';

export const IMAGE_TAG = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const IMAGES = { service: 'inplay/service', kafka: 'inplay/kafka', postgres: 'inplay/postgres' } as const;
export type ImageKind = keyof typeof IMAGES;
export const IMAGE_KINDS = Object.keys(IMAGES) as ImageKind[];
export const DEBIAN_BASE = 'debian:bookworm-slim';
export const NODE_BASE = 'node:20-bookworm-slim';
const CONTEXT_LABEL = 'org.inplay.context';
/** How long dockerd may take to answer after we start it. */
export const DOCKERD_START_TIMEOUT_MS = 30_000;
/** How long a `docker pull` of a public base may try before we make the base ourselves. */
export const BASE_PULL_TIMEOUT_MS = 20_000;
/** How long one apt-get step may take when a missing package is installed. */
export const APT_TIMEOUT_MS = 600_000;
/** The Debian mirror debootstrap uses (INPLAY_DEBIAN_MIRROR overrides). */
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

export function imageRef(kind: ImageKind): string {
  return `${IMAGES[kind]}:${IMAGE_TAG}`;
}

interface RunResult { code: number | null; out: string; err: string }

/** Runs a command to completion; never throws for a non-zero exit (the caller decides). */
function run(command: string, args: string[], o: { input?: Buffer; timeoutMs?: number; onLine?: (line: string) => void; cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: [o.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    const feed = (sink: 'out' | 'err') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (sink === 'out') out += text; else err += text;
      if (o.onLine) for (const line of text.split('\n')) if (line.trim()) o.onLine(line);
    };
    child.stdout?.on('data', feed('out'));
    child.stderr?.on('data', feed('err'));
    child.once('error', (e) => { clearTimeout(timer); resolve({ code: -1, out, err: `${command}: ${e.message}` }); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
    if (o.input) child.stdin?.end(o.input);
  });
}

async function docker(args: string[], o: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run('docker', args, o);
  if (r.code !== 0) throw new Error(`docker ${args[0]} failed (exit ${r.code}): ${tail(r.err || r.out)}`);
  return r.out.trim();
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Installs Debian packages a step needs when they are missing and this is root on a machine with
 * apt-get (a fresh machine of the kind inplay runs on); otherwise the error says what to install.
 */
export async function ensureDebianPackages(needs: { command: string; pkg: string }[], why: string, logDir: string): Promise<void> {
  const missing: string[] = [];
  for (const n of needs) if ((await run('sh', ['-c', `command -v ${n.command}`])).code !== 0) missing.push(n.pkg);
  if (missing.length === 0) return;
  const hint = `${why} needs ${missing.join(', ')}: install ${missing.length > 1 ? 'them' : 'it'} (Debian: \`apt-get install ${missing.join(' ')}\`) and run this again`;
  if (userInfo().uid !== 0 || (await run('sh', ['-c', 'command -v apt-get'])).code !== 0) throw new Error(hint);
  mkdirSync(logDir, { recursive: true });
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update', '-qq'], { env, timeoutMs: APT_TIMEOUT_MS });
  const install = update.code === 0 ? await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, timeoutMs: APT_TIMEOUT_MS }) : update;
  writeFileSync(join(logDir, 'apt-get.log'), update.out + update.err + install.out + install.err);
  if (install.code !== 0) throw new Error(`${hint}\napt-get failed (exit ${install.code}): ${tail(install.err || install.out)}`);
}

/**
 * A Docker engine that answers. When none does and this is root with Debian's
 * dockerd installed, dockerd is started (its log in `logDir`) and awaited.
 * Returns the engine's version.
 */
export async function ensureDockerEngine(logDir: string): Promise<string> {
  const version = async () => {
    const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
    return r.code === 0 ? r.out.trim() : null;
  };
  const found = await version();
  if (found) return found;
  await ensureDebianPackages([{ command: 'docker', pkg: 'docker.io' }, { command: 'dockerd', pkg: 'docker.io' }], 'the container infrastructure', logDir);
  const which = await run('sh', ['-c', 'command -v dockerd']);
  if (userInfo().uid !== 0) throw new Error('the Docker engine is not running: start it (`sudo dockerd &` or `sudo systemctl start docker`)');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, 'dockerd.log'), 'a');
  spawn(which.out.trim(), [], { detached: true, stdio: ['ignore', log, log] }).unref();
  const deadline = Date.now() + DOCKERD_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const v = await version();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer within ${DOCKERD_START_TIMEOUT_MS / 1000} s; its log: ${join(logDir, 'dockerd.log')}`);
}

async function imageExists(ref: string): Promise<boolean> {
  return (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref])).code === 0;
}

async function tryPull(ref: string): Promise<boolean> {
  return (await run('docker', ['pull', '-q', ref], { timeoutMs: BASE_PULL_TIMEOUT_MS })).code === 0;
}

export interface BaseImageReport { ref: string; how: 'present' | 'pulled' | 'made'; ms: number }

/** debian:bookworm-slim and node:20-bookworm-slim: present, pulled, or made here. */
export async function ensureBaseImages(cacheDir: string, progress?: Progress): Promise<BaseImageReport[]> {
  const reports: BaseImageReport[] = [];
  for (const [ref, make] of [[DEBIAN_BASE, () => makeDebianBase(cacheDir, progress)], [NODE_BASE, () => makeNodeBase(cacheDir)]] as const) {
    const started = Date.now();
    if (await imageExists(ref)) { reports.push({ ref, how: 'present', ms: 0 }); continue; }
    progress?.update(`${ref}: trying a registry`);
    if (await tryPull(ref)) { reports.push({ ref, how: 'pulled', ms: Date.now() - started }); continue; }
    progress?.update(`${ref}: no registry answers, making it here`);
    await make();
    reports.push({ ref, how: 'made', ms: Date.now() - started });
  }
  return reports;
}

/** Debian bookworm minbase with debootstrap (the tarball is cached), imported as debian:bookworm-slim. */
async function makeDebianBase(cacheDir: string, progress?: Progress): Promise<void> {
  const dir = join(cacheDir, 'images', 'bases');
  const tarball = join(dir, 'bookworm-minbase.tar');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(tarball)) {
    await ensureDebianPackages([{ command: 'debootstrap', pkg: 'debootstrap' }], `making ${DEBIAN_BASE} (no registry answered \`docker pull\`)`, join(cacheDir, 'images'));
    if (userInfo().uid !== 0) throw new Error(`making ${DEBIAN_BASE} with debootstrap needs root`);
    const root = join(dir, 'bookworm-rootfs');
    rmSync(root, { recursive: true, force: true });
    let packages = 0;
    const r = await run('debootstrap', ['--variant=minbase', 'bookworm', root, process.env['INPLAY_DEBIAN_MIRROR'] ?? DEFAULT_DEBIAN_MIRROR], {
      onLine: (line) => { if (/^I: (Retrieving|Unpacking|Configuring)/.test(line)) progress?.update(`debootstrap: ${++packages} steps`); },
    });
    if (r.code !== 0) throw new Error(`debootstrap failed (exit ${r.code}): ${tail(r.out + r.err)}`);
    rmSync(join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
    const tar = await run('tar', ['-C', root, '-cf', tarball, '.']);
    if (tar.code !== 0) throw new Error(`tar failed: ${tail(tar.err)}`);
    rmSync(root, { recursive: true, force: true });
  }
  await docker(['import', '--change', 'CMD ["bash"]', tarball, DEBIAN_BASE]);
}

/** node:20-bookworm-slim: the Debian base plus this machine's Node 20 binary and a `node` user (uid 1000), as in the official image. */
async function makeNodeBase(cacheDir: string): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) throw new Error(`making ${NODE_BASE} copies this machine's Node, which is ${process.versions.node}, not 20`);
  const context = join(cacheDir, 'images', 'node-base');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  cpSync(process.execPath, join(context, 'node'));
  await docker(['build', '-q', '-t', NODE_BASE, '-f', join(REPO_ROOT, 'deploy', 'docker', 'bases', 'node.Dockerfile'), context], { env: { DOCKER_BUILDKIT: '0' } });
}

/** A hash of every file in a build context (paths and bytes) and of its Dockerfile. */
function contextHash(context: string, dockerfile: string): string {
  const hash = createHash('sha256').update(readFileSync(dockerfile));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else hash.update(relative(context, path)).update(String(st.mode & 0o777)).update(readFileSync(path));
    }
  };
  walk(context);
  return hash.digest('hex').slice(0, 32);
}

function stageDir(cacheDir: string, kind: ImageKind): string {
  const dir = join(cacheDir, 'images', `${kind}-context`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The files under the repository the services read at run time, at the same paths in the image. */
const SERVICE_ASSETS = ['schemas', 'libs/db/migrations', 'apps/schema-registry/migrations', 'apps/web/dist', 'data/statsbomb'];
/** uWebSockets.js as the image needs it: its loader and the Linux x64 binary for Node 20 (ABI 115). */
const UWS_FILES = ['package.json', 'LICENSE', 'src/uws.js', `binaries/uws_linux_x64_${process.versions.modules}.node`];

const HEALTHCHECK = `// The image's HEALTHCHECK: GET /health on the port the service serves it on.
const port = process.env.HEALTH_PORT ?? process.env.METRICS_PORT ?? process.env.GATEWAY_INTERNAL_PORT ?? process.env.GATEWAY_PORT ?? process.env.PORT ?? '8080';
fetch('http://127.0.0.1:' + port + '/health', { signal: AbortSignal.timeout(2000) })
  .then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1));
`;

async function stageService(cacheDir: string, logDir: string): Promise<string> {
  const context = stageDir(cacheDir, 'service');
  await bundleServices(join(context, 'dist'));
  if (!existsSync(join(REPO_ROOT, 'apps', 'web', 'dist', 'index.html'))) await buildWebClient(join(logDir, 'web-build.log'));
  for (const asset of SERVICE_ASSETS) cpSync(join(REPO_ROOT, asset), join(context, asset), { recursive: true });
  const uws = join(REPO_ROOT, 'node_modules', 'uWebSockets.js');
  for (const file of UWS_FILES) cpSync(join(uws, file), join(context, 'node_modules', 'uWebSockets.js', file));
  writeFileSync(join(context, 'healthcheck.mjs'), HEALTHCHECK);
  writeFileSync(join(context, 'package.json'), `${JSON.stringify({ name: 'inplay-service', version: IMAGE_TAG, private: true, type: 'module' }, null, 2)}\n`);
  return context;
}

async function stageKafka(cacheDir: string, progress?: Progress): Promise<string> {
  const home = await ensureKafkaJars(cacheDir, KAFKA_VERSION, progress);
  const context = stageDir(cacheDir, 'kafka');
  cpSync(join(home, 'libs'), join(context, 'libs'), { recursive: true });
  cpSync(join(REPO_ROOT, 'deploy', 'docker', 'kafka-entrypoint.sh'), join(context, 'kafka-entrypoint.sh'));
  return context;
}

function stagePostgres(cacheDir: string): string {
  const context = stageDir(cacheDir, 'postgres');
  cpSync(join(REPO_ROOT, 'deploy', 'docker', 'postgres-entrypoint.sh'), join(context, 'postgres-entrypoint.sh'));
  return context;
}

export interface ImageReport { kind: ImageKind; ref: string; built: boolean; ms: number }

/**
 * Builds the images (all by default) unless an image with the same context
 * hash exists already. `force` builds again without Docker's layer cache.
 */
export async function buildImages(o: { cacheDir: string; logDir: string; only?: readonly ImageKind[]; force?: boolean; progress?: Progress }): Promise<ImageReport[]> {
  await ensureDockerEngine(o.logDir);
  await ensureBaseImages(o.cacheDir, o.progress);
  const reports: ImageReport[] = [];
  for (const kind of o.only ?? IMAGE_KINDS) {
    const started = Date.now();
    o.progress?.update(`${imageRef(kind)}: staging`);
    const context = kind === 'service' ? await stageService(o.cacheDir, o.logDir) : kind === 'kafka' ? await stageKafka(o.cacheDir) : stagePostgres(o.cacheDir);
    const dockerfile = join(REPO_ROOT, 'deploy', 'docker', `${kind}.Dockerfile`);
    const hash = contextHash(context, dockerfile);
    const current = await run('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${CONTEXT_LABEL}"}}`, imageRef(kind)]);
    if (!o.force && current.code === 0 && current.out.trim() === hash) {
      reports.push({ kind, ref: imageRef(kind), built: false, ms: Date.now() - started });
      continue;
    }
    let steps = 0;
    // The classic builder: the engine Debian ships (20.10) has no buildx plugin beside it.
    await docker(['build', ...(o.force ? ['--no-cache'] : []), '--label', `${CONTEXT_LABEL}=${hash}`, '-t', imageRef(kind), '-f', dockerfile, context], {
      env: { DOCKER_BUILDKIT: '0' },
      onLine: (line) => { if (/^Step \d+/.test(line)) o.progress?.update(`${imageRef(kind)}: ${line.slice(0, 60)} (${++steps})`); },
    });
    reports.push({ kind, ref: imageRef(kind), built: true, ms: Date.now() - started });
  }
  return reports;
}

/** Every image of this version present? (what `--infra=containers` checks before it builds) */
export async function missingImages(kinds: readonly ImageKind[] = IMAGE_KINDS): Promise<ImageKind[]> {
  const missing: ImageKind[] = [];
  for (const kind of kinds) if (!(await imageExists(imageRef(kind)))) missing.push(kind);
  return missing;
}
