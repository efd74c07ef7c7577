import { projectConfig } from '../../vitest.shared';
export default projectConfig(import.meta.url);
