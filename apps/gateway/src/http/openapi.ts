// GET /openapi.yaml on the public port: the HTTP contract (docs/api/openapi.yaml)
// for client generators and API testers, from the module built into the gateway.
import type { RouteModule } from './routes';
import { writeAnswer } from './respond';
import { OPENAPI_YAML } from './openapi-document';

export const registerOpenApiRoute: RouteModule = (app) => {
  app.get('/openapi.yaml', (res, req) => writeAnswer(res, { status: 200, body: OPENAPI_YAML, contentType: 'application/yaml' }, req.getHeader('accept-encoding')));
};
