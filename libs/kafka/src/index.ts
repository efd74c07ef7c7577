export * from './client';
export * from './topics';
export * from './serde';
export * from './records';
export * from './service';
export * from './batching-sender';
export * from './decode-retry';
export * from './dead-letter-metric';
