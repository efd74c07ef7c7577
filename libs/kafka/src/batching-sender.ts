// kafkajs has no linger and no batch.size: every send is one produce request,
// and requests to a broker are serialised behind a lock (kafkajs #1157, #1161,
// #772; PR #1172). This sender does the batching the Java client does: while
// one request is in flight, what callers send waits and goes together in the
// next one (up to named limits), after at most `lingerMs` more; an idle sender
// sends at the end of the current event-loop turn. Each caller's promise
// settles with the request that carried its records (acks from all in-sync
// replicas), and requests go one after the other, so a partition's records
// keep the order they were sent in.
import type { Producer, TopicMessages } from 'kafkajs';

export interface BatchingLimits {
  /** Records per produce request at most. */
  maxRequestRecords: number;
  /** Bytes of record values per produce request at most (a lone larger record still goes, alone). */
  maxRequestBytes: number;
  /** How long the next request may wait for more records once the previous one is acknowledged; 0: at once. */
  lingerMs: number;
}

export const DEFAULT_BATCHING: BatchingLimits = { maxRequestRecords: 2_000, maxRequestBytes: 1024 * 1024, lingerMs: 0 };

export interface BatchingSender {
  /** Resolves once the broker acknowledged the records. Records of one call keep their order. */
  send(topicMessages: TopicMessages[]): Promise<void>;
  /** Requests sent so far and the records they carried (for metrics and tests). */
  readonly stats: { requests: number; records: number };
}

interface Queued {
  topicMessages: TopicMessages[];
  bytes: number;
  records: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function batchingSender(producer: Producer, limits: BatchingLimits = DEFAULT_BATCHING): BatchingSender {
  let queue: Queued[] = [];
  let inFlight = false;
  let scheduled = false;
  const stats = { requests: 0, records: 0 };

  /** Takes from the head of the queue what fits in one request (at least one caller's records). */
  function take(): Queued[] {
    let bytes = 0;
    let records = 0;
    let n = 0;
    for (const item of queue) {
      if (n > 0 && (bytes + item.bytes > limits.maxRequestBytes || records + item.records > limits.maxRequestRecords)) break;
      bytes += item.bytes;
      records += item.records;
      n += 1;
    }
    const taken = queue.slice(0, n);
    queue = queue.slice(n);
    return taken;
  }

  async function sendRequest(items: Queued[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages['messages']>();
    let records = 0;
    for (const item of items) {
      records += item.records;
      for (const t of item.topicMessages) {
        const messages = byTopic.get(t.topic) ?? [];
        for (const m of t.messages) messages.push(m);
        byTopic.set(t.topic, messages);
      }
    }
    stats.requests += 1;
    stats.records += records;
    try {
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
      for (const item of items) item.resolve();
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }

  async function drain(): Promise<void> {
    scheduled = false;
    inFlight = true;
    while (queue.length > 0) {
      await sendRequest(take());
      // More arrived while the request was out: let it gather a little longer, up to the linger.
      if (queue.length > 0 && limits.lingerMs > 0 && queueRecords() < limits.maxRequestRecords) await new Promise((r) => setTimeout(r, limits.lingerMs));
    }
    inFlight = false;
  }

  function queueRecords(): number {
    let n = 0;
    for (const item of queue) n += item.records;
    return n;
  }

  return {
    stats,
    send(topicMessages) {
      return new Promise<void>((resolve, reject) => {
        let bytes = 0;
        let records = 0;
        for (const t of topicMessages) {
          records += t.messages.length;
          for (const m of t.messages) bytes += (m.value as Buffer | null)?.length ?? 0;
        }
        queue.push({ topicMessages, bytes, records, resolve, reject });
        if (!inFlight && !scheduled) {
          scheduled = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
