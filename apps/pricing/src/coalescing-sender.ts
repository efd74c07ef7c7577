// Merges what the batches of one fetch produce into as few produce requests as
// possible: kafkajs hands each partition's batch to its own handler, and one
// request per handler would multiply requests (syscalls, broker work) by the
// partitions. Records queued in the same event-loop turn go out together at the
// end of it; each caller's promise settles with the request that carried its records.
// Requests go one after the other: kafkajs does async work before it takes its
// per-broker lock, so two concurrent sendBatch calls may reach the broker in
// either order, which would reorder a partition's records.
import type { Producer } from '@inplay/kafka';
import type { TopicMessages } from 'kafkajs';
import { MAX_PRODUCE_REQUEST_BYTES, MAX_PRODUCE_REQUEST_RECORDS } from './outputs';

interface Queued {
  topicMessages: TopicMessages[];
  bytes: number;
  records: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface CoalescingSender {
  /** Resolves once the broker acknowledged the records (acks -1). Records of one call keep their order. */
  send(topicMessages: TopicMessages[]): Promise<void>;
}

export function coalescingSender(producer: Producer): CoalescingSender {
  let queue: Queued[] = [];
  /** The request last started; the next one starts when it settles (sendRequest never rejects). */
  let previous: Promise<void> = Promise.resolve();

  function sizeOf(topicMessages: TopicMessages[]): { bytes: number; records: number } {
    let bytes = 0;
    let records = 0;
    for (const t of topicMessages) {
      records += t.messages.length;
      for (const m of t.messages) bytes += (m.value as Buffer | null)?.length ?? 0;
    }
    return { bytes, records };
  }

  async function sendRequest(items: Queued[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages['messages']>();
    for (const item of items) {
      for (const t of item.topicMessages) {
        const messages = byTopic.get(t.topic) ?? [];
        for (const m of t.messages) messages.push(m);
        byTopic.set(t.topic, messages);
      }
    }
    try {
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
      for (const item of items) item.resolve();
    } catch (err) {
      for (const item of items) item.reject(err);
    }
  }

  function sendInOrder(items: Queued[]): void {
    previous = previous.then(() => sendRequest(items));
  }

  function flush(): void {
    const pending = queue;
    queue = [];
    let request: Queued[] = [];
    let bytes = 0;
    let records = 0;
    for (const item of pending) {
      if (request.length > 0 && (bytes + item.bytes > MAX_PRODUCE_REQUEST_BYTES || records + item.records > MAX_PRODUCE_REQUEST_RECORDS)) {
        sendInOrder(request);
        request = [];
        bytes = 0;
        records = 0;
      }
      request.push(item);
      bytes += item.bytes;
      records += item.records;
    }
    if (request.length > 0) sendInOrder(request);
  }

  return {
    send(topicMessages) {
      return new Promise<void>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ topicMessages, ...sizeOf(topicMessages), resolve, reject });
      });
    },
  };
}
