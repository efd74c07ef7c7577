// The real Apache Kafka broker, KRaft mode, one node (broker + controller).
// Its jars come from Maven Central through `mvn` into a cache outside the
// repo and are reused on the next run; the broker runs on the machine's Java.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { probeKafka } from '@inplay/kafka';
import { GiveUp, ManagedProcess, waitUntil } from './process';
import { assertPortFree } from './ports';
import type { Progress } from './progress';

export const KAFKA_VERSION = '4.4.0';
export const LOG4J_VERSION = '2.24.3';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
export const KAFKA_HEAP_MB = 512;
const KAFKA_START_TIMEOUT_MS = 90_000;

export function kafkaHome(cacheDir: string, version = KAFKA_VERSION): string {
  return join(cacheDir, `kafka-${version}`);
}

function pom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>inplay</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
`;
}

/** Runs a command, feeding each output line to `onLine`; rejects with the tail of the output on failure. */
function run(command: string, args: string[], onLine: (line: string) => void, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const feed = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.once('error', (err) => reject(new Error(`${command} could not start (${err.message}). Is it installed and on PATH?`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args[0] ?? ''} failed (exit ${code}):\n${tail.join('\n')}`))));
  });
}

/** Fetches Kafka's jars into the cache unless they are there already. Returns the Kafka home. */
export async function ensureKafkaJars(cacheDir: string, version: string, progress?: Progress): Promise<string> {
  const home = kafkaHome(cacheDir, version);
  const libs = join(home, 'libs');
  const marker = join(home, '.complete');
  if (existsSync(marker) && existsSync(join(libs, `kafka_2.13-${version}.jar`))) {
    progress?.done(`cached in ${home}`);
    return home;
  }
  const work = join(home, '.pom');
  const staging = `${libs}.tmp`;
  rmSync(work, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(work, 'pom.xml'), pom(version));
  let downloaded = 0;
  await run('mvn', [
    '-B', '-Dstyle.color=never', '-f', join(work, 'pom.xml'),
    `-Dmaven.repo.local=${join(cacheDir, 'm2')}`,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${staging}`,
  ], (line) => {
    if (line.includes('Downloaded from')) {
      downloaded += 1;
      progress?.update(`${downloaded} files downloaded from Maven Central`);
    }
  });
  if (!existsSync(join(staging, `kafka_2.13-${version}.jar`))) throw new Error(`mvn finished but kafka_2.13-${version}.jar is missing in ${staging}`);
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
  rmSync(work, { recursive: true, force: true });
  writeFileSync(marker, new Date().toISOString());
  progress?.done(`${readdirSync(libs).length} jars in ${libs}`);
  return home;
}

export interface LocalKafka {
  brokers: string[];
  version: string;
  pid: number | undefined;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface KafkaStartOptions {
  home: string;
  version: string;
  dataDir: string;
  port: number;
  controllerPort: number;
  /** The port clients are told to use, when not `port`: a proxy in front of the broker (toxiproxy in `inplay chaos`). */
  advertisedPort?: number;
  heapMb?: number;
  pidFile?: string;
  /** SCRAM-SHA-512 users made when the storage is formatted (and added to a log dir formatted before they existed); `admin` is the broker's own user and the super user. */
  users: Record<string, string> & { admin: string };
  /** TLS on the client listener (SASL_SSL): the broker's key and certificate (PEM). Plain SASL when absent. */
  tls?: BrokerTls;
}

/** The broker's TLS material, PEM: its private key (unencrypted PKCS#8), its certificate chain, and the CA clients trust. */
export interface BrokerTls {
  keyPem: string;
  certPem: string;
  caPem: string;
}

/** One-line PEM for a Kafka property (ssl.keystore.key and friends take PEM with the newlines escaped). */
const pemProperty = (pem: string): string => pem.trim().split('\n').join(' \\\n');

/**
 * The listeners of a secured broker: CLIENT (SASL/SCRAM-SHA-512, over TLS when given) for clients
 * and for the broker itself (inter-broker), CONTROLLER (SASL/PLAIN with the admin user only) for the
 * KRaft quorum. KRaft's StandardAuthorizer: nothing is allowed without an ACL except to `admin`.
 */
export function securityProperties(o: { users: { admin: string }; tls?: BrokerTls | undefined }): string[] {
  const admin = o.users.admin;
  return [
    `listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:${o.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
    'inter.broker.listener.name=CLIENT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${admin}";`,
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    'sasl.mechanism.controller.protocol=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${admin}" user_admin="${admin}";`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users=User:admin',
    'allow.everyone.if.no.acl.found=false',
    ...(o.tls ? [
      'listener.name.client.ssl.keystore.type=PEM',
      `listener.name.client.ssl.keystore.certificate.chain=${pemProperty(o.tls.certPem)}`,
      `listener.name.client.ssl.keystore.key=${pemProperty(o.tls.keyPem)}`,
      'listener.name.client.ssl.truststore.type=PEM',
      `listener.name.client.ssl.truststore.certificates=${pemProperty(o.tls.caPem)}`,
      'ssl.endpoint.identification.algorithm=https',
    ] : []),
  ];
}

/** The `--add-scram` arguments of the storage format that create `users`. */
export function scramFormatArgs(users: Record<string, string>): string[] {
  return Object.entries(users).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`]);
}

function serverProperties(o: KafkaStartOptions): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${o.controllerPort}`,
    `listeners=CLIENT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=CLIENT://127.0.0.1:${o.advertisedPort ?? o.port}`,
    'controller.listener.names=CONTROLLER',
    ...securityProperties(o),
    `log.dirs=${join(o.dataDir, 'data')}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'log.segment.bytes=16777216',
    'log.cleaner.threads=1',
    'log.cleaner.dedupe.buffer.size=8388608',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

function log4jConfig(logDir: string): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = FILE',
    `appender.file.fileName = ${join(logDir, 'server.log')}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    '',
  ].join('\n');
}

/**
 * Formats the broker's log directory for KRaft (a single standalone voter).
 * The id is passed as --cluster-id=ID: a base64url id may begin with "-", and
 * as an argument of its own it then reads as an option (1 fresh start in 64
 * failed so, with "argument --cluster-id/-t: expected one argument").
 */
export async function formatStorage(jvm: readonly string[], propsFile: string, clusterId: string, users: Record<string, string> = {}): Promise<void> {
  await run('java', [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', `--cluster-id=${clusterId}`, ...scramFormatArgs(users), '-c', propsFile], () => undefined);
}

/** Beside the log dir: a digest of each SCRAM user's password the storage was formatted with. */
const SCRAM_USERS_FILE = 'scram-users.json';

function userDigests(users: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(users).map(([name, password]) => [name, createHash('sha256').update(password).digest('hex')]));
}

/**
 * A log dir keeps the SCRAM users it was formatted with: one formatted by an older inplay (no users)
 * or with other passwords would refuse every login, so say so now, with what to do.
 */
function assertUsersFormatted(dataDir: string, usersFile: string, users: Record<string, string>): void {
  const want = userDigests(users);
  const have = existsSync(usersFile) ? (JSON.parse(readFileSync(usersFile, 'utf8')) as Record<string, string>) : {};
  const differ = Object.keys(want).filter((name) => have[name] !== want[name]);
  if (differ.length === 0) return;
  throw new Error(
    `the Kafka log dir ${dataDir} was formatted ${existsSync(usersFile) ? 'with other credentials' : 'by an older inplay, without SASL users'} (${differ.join(', ')} would be refused). ` +
    `Its records are this development stack's: remove ${dataDir} (and ${join(dataDir, '..', 'postgres')}, whose ledger mirrors them) and start again.`,
  );
}

export async function startLocalKafka(o: KafkaStartOptions): Promise<LocalKafka> {
  await assertPortFree(o.port, 'INPLAY_KAFKA_PORT');
  await assertPortFree(o.controllerPort, 'INPLAY_KAFKA_CONTROLLER_PORT');
  const logDir = join(o.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(join(o.dataDir, 'data'), { recursive: true });
  const propsFile = join(o.dataDir, 'server.properties');
  const log4jFile = join(o.dataDir, 'log4j2.properties');
  writeFileSync(propsFile, serverProperties(o));
  writeFileSync(log4jFile, log4jConfig(logDir));
  const heapMb = o.heapMb ?? KAFKA_HEAP_MB;
  const jvm = [
    '-Xms128m', `-Xmx${heapMb}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${logDir}`,
    '-cp', `${join(o.home, 'libs')}/*`,
  ];
  const usersFile = join(o.dataDir, SCRAM_USERS_FILE);
  if (!existsSync(join(o.dataDir, 'data', 'meta.properties'))) {
    await formatStorage(jvm, propsFile, randomBytes(16).toString('base64url'), o.users);
    writeFileSync(usersFile, JSON.stringify(userDigests(o.users), null, 2), { mode: 0o600 });
  } else {
    assertUsersFormatted(o.dataDir, usersFile, o.users);
  }
  const broker = new ManagedProcess('kafka', 'java', [...jvm, 'kafka.Kafka', propsFile], join(logDir, 'stdout.log'), {
    ...(o.pidFile ? { pidFile: o.pidFile } : {}),
  });
  const brokers = [`127.0.0.1:${o.advertisedPort ?? o.port}`];
  try {
    await waitUntil('Kafka broker', async () => {
      if (!broker.running) throw new GiveUp(`the broker exited. Its last words:\n${broker.lastLines()}`);
      await probeKafka(brokers, 2_000, { sasl: { username: 'admin', password: o.users.admin }, ...(o.tls ? { tls: { caPem: o.tls.caPem } } : {}) });
      return true;
    }, KAFKA_START_TIMEOUT_MS, 300);
  } catch (err) {
    await broker.stop();
    throw new Error(`Kafka did not start: ${(err as Error).message}\nLogs: ${logDir}`);
  }
  return { brokers, version: o.version, pid: broker.pid, process: broker, stop: () => broker.stop() };
}
