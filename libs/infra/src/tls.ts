// TLS material for a development broker: a CA of its own and a broker
// certificate it signed (for 127.0.0.1 and localhost), made once per state dir
// with the machine's openssl. A deployment brings its own (the chart mounts
// them from a Secret, e.g. cert-manager's).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerTls } from './kafka-local';

/** How long the development certificates are valid, in days. */
export const DEV_CERT_VALIDITY_DAYS = 825;

export interface DevTls extends BrokerTls {
  /** The CA certificate's file, for clients (KAFKA_TLS_CA_FILE). */
  caFile: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message;
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim()}. TLS for the local broker needs openssl (apt install openssl).`);
  }
}

/** The CA and broker certificate in `<dir>`, made when missing. Keys are readable by their owner only. */
export function devBrokerTls(dir: string, hostnames: readonly string[] = ['localhost']): DevTls {
  mkdirSync(dir, { recursive: true });
  const file = (name: string): string => join(dir, name);
  if (!existsSync(file('broker.crt')) || !existsSync(file('ca.crt')) || !existsSync(file('broker.key'))) {
    const days = String(DEV_CERT_VALIDITY_DAYS);
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', days, '-subj', '/CN=inplay development CA'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'broker.key.pem', '-out', 'broker.csr', '-subj', '/CN=inplay-kafka'], dir);
    writeFileSync(file('broker.ext'), `subjectAltName=IP:127.0.0.1,${hostnames.map((h) => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.crt', '-days', days, '-extfile', 'broker.ext'], dir);
    // Kafka's PEM keystore wants PKCS#8.
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'broker.key.pem', '-out', 'broker.key'], dir);
    for (const key of ['ca.key', 'broker.key.pem', 'broker.key']) chmodSync(file(key), 0o600);
  }
  return { keyPem: readFileSync(file('broker.key'), 'utf8'), certPem: readFileSync(file('broker.crt'), 'utf8'), caPem: readFileSync(file('ca.crt'), 'utf8'), caFile: file('ca.crt') };
}
