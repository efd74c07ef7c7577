export * from './isolation';
export { acquireInfra, TEST_INFRA_ENV } from './global-setup';
export * from './market';
export * from './tcp-proxy';
export * from './raw-http';
