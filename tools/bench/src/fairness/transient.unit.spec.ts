import { KafkaJSError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isTransientKafkaError } from './run';

describe('isTransientKafkaError (a fairness run that hits one runs again once)', () => {
  const unknownPartition = () => new KafkaJSProtocolError({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true, message: 'This server does not host this topic-partition' } as unknown as Error);

  it('takes KafkaJS errors it marks retriable, also when wrapped or after its retries ran out', () => {
    expect(isTransientKafkaError(unknownPartition())).toBe(true);
    expect(isTransientKafkaError(new KafkaJSNumberOfRetriesExceeded(unknownPartition(), { retryCount: 5, retryTime: 3000 }))).toBe(true);
    expect(isTransientKafkaError(new Error('pricing stopped', { cause: unknownPartition() }))).toBe(true);
  });

  it('refuses everything else: bugs, non-retriable Kafka errors, non-errors', () => {
    expect(isTransientKafkaError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientKafkaError(new KafkaJSNonRetriableError('topic authorization failed'))).toBe(false);
    expect(isTransientKafkaError(new KafkaJSError('not retriable', { retriable: false }))).toBe(false);
    expect(isTransientKafkaError('This server does not host this topic-partition')).toBe(false);
  });
});
