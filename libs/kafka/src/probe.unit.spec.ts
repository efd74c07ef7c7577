// probeKafka bounds every step: a "broker" that accepts the connection and
// never answers (a port behind a proxy, a broker still starting) is given up on
// within the probe's overall limit instead of holding the caller's wait loop.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeKafka } from './client';

describe('probeKafka', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('gives up on a listener that accepts and never answers, within three times its timeout', async () => {
    server = createServer((socket) => { sockets.push(socket); });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const timeoutMs = 500;
    const started = Date.now();
    await expect(probeKafka([`127.0.0.1:${port}`], timeoutMs)).rejects.toThrow(`cannot reach Kafka at 127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(3 * timeoutMs + 1_000);
  });
});
