export * from './stack';
export * from './process';
export * from './ports';
export * from './progress';
export * from './kafka-local';
export * from './postgres-local';
export * from './registry-local';
export * from './helm';
