// docs/api/asyncapi.yaml against the code: the document parses, and every op,
// server message, error code, close code and Kafka topic the code has is in it
// (and nothing the code lacks), so adding one without documenting it fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type AsyncAPIDocumentInterface, type Diagnostic } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { TOPICS, type MatchEvent, type OrderResult, type PriceTick } from '@inplay/contracts';
import { SERVICE_ACCESS, SERVICE_PRINCIPALS } from '@inplay/kafka';
import { ASYNCAPI_DOCUMENT_PATH, wsContract } from '@inplay/testing/asyncapi-contract';
import { CLOSE, ERROR, shouldReconnect, type ErrorName } from './codes';
import { OPS } from './client-messages';
import * as serverMessages from './server-messages';

const GATEWAY_SRC = fileURLToPath(new URL('..', import.meta.url));
/**
 * Diagnostics the parser may report, each with why it is acceptable. Anything
 * else (an error, or a new warning) fails the first test.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {
  // The issue asks for AsyncAPI 3.0; 3.1 changes nothing we use.
  'asyncapi-latest-version': 'the document is AsyncAPI 3.0 on purpose',
};

async function parsed(text: string): Promise<{ document: AsyncAPIDocumentInterface | undefined; diagnostics: Diagnostic[] }> {
  const output = await new Parser().parse(text, { source: ASYNCAPI_DOCUMENT_PATH });
  return { document: output.document, diagnostics: output.diagnostics };
}

const text = readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8');
const contract = wsContract();
let parsedDocument: Promise<AsyncAPIDocumentInterface> | undefined;
/** The document as the parser reads it, parsed once for the tests that walk it. */
const asyncApiDocument = (): Promise<AsyncAPIDocumentInterface> => (parsedDocument ??= parsed(text).then(({ document }) => {
  if (!document) throw new Error('docs/api/asyncapi.yaml does not parse: see the first test');
  return document;
}));
/** JSON Schema's own type names: the HTTP document (http/openapi-document.ts) is full of them, and they name no message. */
const JSON_SCHEMA_TYPES = new Set(['null', 'string', 'object', 'array', 'integer', 'number', 'boolean']);

describe('docs/api/asyncapi.yaml', () => {
  it('parses with @asyncapi/parser with no diagnostics but the accepted warnings', async () => {
    const { document, diagnostics } = await parsed(text);
    const unexpected = diagnostics.filter((d) => !(d.severity !== 0 && String(d.code) in ACCEPTED_WARNINGS));
    expect(unexpected.map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('fails to parse when a payload schema is broken (the check above has teeth)', async () => {
    const { document, diagnostics } = await parsed(text.replace('cause: { enum: [INITIAL, EVENT, DRIFT, DEMAND] }', 'cause: { enum: INITIAL }'));
    expect(document).toBeUndefined();
    expect(diagnostics.some((d) => d.severity === 0)).toBe(true);
  });

  it('has a channel per Kafka topic of TOPICS, keyed, partitioned and kept as the table says, with its Avro schema', async () => {
    const kafkaChannels = (await asyncApiDocument()).channels().all().filter((c) => c.bindings().has('kafka'));
    expect(kafkaChannels.map((c) => c.address()).sort()).toEqual(TOPICS.map((t) => t.name).sort());
    for (const topic of TOPICS) {
      const channel = kafkaChannels.find((c) => c.address() === topic.name)!;
      const binding = channel.bindings().get('kafka')!.value() as { partitions: number; topicConfiguration: Record<string, unknown> };
      expect(binding.partitions, topic.name).toBe(topic.partitions);
      expect(binding.topicConfiguration['cleanup.policy'], topic.name).toEqual([topic.configs['cleanup.policy']]);
      if (topic.configs['retention.ms']) expect(binding.topicConfiguration['retention.ms'], topic.name).toBe(Number(topic.configs['retention.ms']));
      const messages = channel.messages().all();
      expect(messages, topic.name).toHaveLength(1);
      const message = messages[0]!;
      const key = (message.bindings().get('kafka')!.value() as { key: { title: string } }).key;
      expect(key.title, `${topic.name} key`).toBe(topic.keyedBy);
      if (topic.valueSchema === null) {
        expect(message.contentType(), topic.name).toBe('application/octet-stream');
      } else {
        expect(message.schemaFormat(), topic.name).toMatch(/^application\/vnd\.apache\.avro/);
        // The $ref to schemas/*.avsc is resolved by the parser: the record it names is the topic's.
        const payload = message.payload()!.json() as { schema?: { name?: string } };
        expect(payload.schema?.name, topic.name).toBe(topic.valueSchema);
        expect(message.title(), topic.name).toContain(`${topic.name}-value`);
      }
    }
  });

  it('gives each service exactly the Kafka operations its ACLs allow (libs/kafka SERVICE_ACCESS)', async () => {
    const document = await asyncApiDocument();
    for (const service of SERVICE_PRINCIPALS) {
      const operations = document.operations().all()
        .filter((o) => o.tags().all().some((t) => t.name() === service))
        .filter((o) => o.channels().all().some((c) => c.bindings().has('kafka')));
      const topicsOf = (action: 'send' | 'receive') => operations.filter((o) => o.action() === action).map((o) => o.channels().all()[0]!.address()).sort();
      expect(topicsOf('send'), `${service} sends`).toEqual([...SERVICE_ACCESS[service].write].sort());
      expect(topicsOf('receive'), `${service} receives`).toEqual([...SERVICE_ACCESS[service].read].sort());
    }
  });

  it('documents every op the gateway accepts, and no other', () => {
    expect([...contract.messageKeys.client].sort()).toEqual([...OPS].sort());
  });

  it('documents every error code with its name, and no other', () => {
    const inCode = Object.entries(ERROR).map(([name, code]) => ({ code, name })).sort((a, b) => a.code - b.code);
    expect([...contract.errorCodes].sort((a, b) => a.code - b.code)).toEqual(inCode);
  });

  it('documents every close code with its name and whether to reconnect, and no other', () => {
    const inCode = Object.entries(CLOSE).map(([name, code]) => ({ code, name, reconnect: shouldReconnect(code) })).sort((a, b) => a.code - b.code);
    expect(contract.closeCodes.map(({ code, name, reconnect }) => ({ code, name, reconnect })).sort((a, b) => a.code - b.code)).toEqual(inCode);
  });

  it('describes what every server message constructor builds, and every documented server message is built by one', () => {
    const constructors = Object.keys(serverMessages).filter((name) => name.endsWith('Message') && typeof (serverMessages as Record<string, unknown>)[name] === 'function');
    expect(constructors.sort(), 'a constructor without a sample below: add one').toEqual(Object.keys(SAMPLES).sort());
    const types = new Set<string>();
    for (const [name, build] of Object.entries(SAMPLES)) {
      for (const text of build()) {
        const message = JSON.parse(text) as { type: string };
        types.add(message.type);
        expect(contract.check('server', message), `${name}: ${text}`).toEqual([]);
      }
    }
    expect([...types].sort()).toEqual([...contract.messageKeys.server].sort());
  });

  it('finds no message type in the gateway source that the document does not describe', () => {
    const documented = new Set(contract.messageKeys.server);
    const found = sourceFiles(GATEWAY_SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\btype: '([a-z][a-z.]*)'|"type":"([a-z][a-z.]*)"/g)].map((m) => ({ file: relative(GATEWAY_SRC, file), type: m[1] ?? m[2] ?? '' }))).filter((f) => !JSON_SCHEMA_TYPES.has(f.type));
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => !documented.has(f.type))).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const tick: PriceTick = {
  playerId: 'p1', matchId: 'm1', seq: 43, priceCents: 1262, previousPriceCents: 1250, cause: 'EVENT',
  causeEventId: 'sb:1', causeEventType: 'GOAL', causeOccurredAt: 1795545600000, lockedUntil: 1795545660000, tickedAt: 1795545601000,
};
const orderResult: OrderResult = {
  orderId: 'o1', userId: 'alice', idempotencyKey: 'k1', playerId: 'p1', side: 'BUY', quantity: 2, status: 'FILLED', reason: null,
  fillPriceCents: 1262, tickSeq: 43, costCents: 2524, retryAfterMs: null, cashAfterCents: 97476, placedAt: 1795545601000, settledAt: 1795545601020,
};
const matchEvent: MatchEvent = {
  eventId: 'sb:1', provider: 'sb', providerEventId: '1', matchId: 'm1', type: 'GOAL', playerId: 'p1', relatedPlayerId: null, teamId: 't1',
  period: 1, matchClockMs: 600000, occurredAt: 1795545600000, ingestedAt: 1795545600100, homeScore: 1, awayScore: 0, attributes: {},
};
const limits = { maxSubscriptionsPerConnection: 100, maxFrameBytes: 4096, maxMessagesPerSecond: 20, messageBurst: 120, conflateMs: 100, idleTimeoutSeconds: 32 };
const state = { player: 'p1', priceCents: 1250, seq: 42, lockedUntil: null, updatedAt: 1795545600000 };

/** Every `*Message` constructor of server-messages.ts, with each form it can build. */
const SAMPLES: Record<string, () => string[]> = {
  helloMessage: () => [serverMessages.helloMessage('gw-a', null, limits), serverMessages.helloMessage('gw-a', 'alice', limits)],
  authenticatedMessage: () => [serverMessages.authenticatedMessage('alice', 1795546500000)],
  snapshotMessage: () => [
    serverMessages.snapshotMessage('p1', state),
    serverMessages.snapshotMessage('p1', undefined),
    serverMessages.snapshotMessage('p1', { ...state, lockedUntil: 1795545660000 }, { gap: true }),
    serverMessages.snapshotMessage('p1', state, { conflated: true }),
  ],
  tickMessage: () => [
    serverMessages.tickMessage(tick, { seq: 42, priceCents: 1250 }),
    serverMessages.tickMessage({ ...tick, cause: 'INITIAL', seq: 1, lockedUntil: null }, { seq: 0, priceCents: 1250 }),
    serverMessages.tickMessage(tick, { seq: 40, priceCents: 1200 }),
    serverMessages.tickMessage(tick, { seq: 42, priceCents: 1250 }, { replay: true }),
  ],
  batchMessage: () => [
    serverMessages.batchMessage([serverMessages.tickMessage(tick, { seq: 42, priceCents: 1250 }), serverMessages.tickMessage({ ...tick, playerId: 'p2' }, { seq: 40, priceCents: 1200 })]),
    serverMessages.batchMessage([[serverMessages.tickMessage({ ...tick, seq: 44 }, { seq: 43, priceCents: 1262 }), serverMessages.tickMessage({ ...tick, seq: 45 }, { seq: 44, priceCents: 1262 })].join(',')]),
  ],
  errorMessage: () => (Object.keys(ERROR) as ErrorName[]).flatMap((name) => [serverMessages.errorMessage(name, 'why'), serverMessages.errorMessage(name, 'why', 'subscribe')]),
  pongMessage: () => [serverMessages.pongMessage(1795545601000)],
  orderResultMessage: () => [
    serverMessages.orderResultMessage(orderResult),
    serverMessages.orderResultMessage({ ...orderResult, status: 'REJECTED', reason: 'TRADE_LOCKED', fillPriceCents: null, tickSeq: null, costCents: null, retryAfterMs: 4000, cashAfterCents: null }),
  ],
  leaderboardMessage: () => [serverMessages.leaderboardMessage(
    { boardId: 'overall', computedAt: 1795545600000, totalUsers: 1200, rank: 17, valueCents: 1034500 },
    serverMessages.boardTopJson([{ rank: 1, userId: 'bob', valueCents: 2000000 }, { rank: 2, userId: 'carol', valueCents: 1900000 }], 10),
  )],
  matchEventMessage: () => [serverMessages.matchEventMessage(serverMessages.matchEventFields(matchEvent))],
};
