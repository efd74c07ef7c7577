import { projectConfig } from '../../vitest.shared.ts';

// The whole product in one file at a time: browser tests start every service as child processes.
const config = projectConfig(import.meta.url, { integration: true });
export default { ...config, test: { ...config.test, fileParallelism: false } };
