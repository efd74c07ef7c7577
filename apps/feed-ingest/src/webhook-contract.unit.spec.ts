// feed-ingest's routes against the HTTP contract: a route added to the webhook
// server without a path in docs/api/openapi.yaml (or one documented but not
// served) fails here.
import { describe, expect, it } from 'vitest';
import { openApiContract } from '@inplay/testing/openapi';
import { WEBHOOK_ROUTES } from './webhook';

describe("feed-ingest's HTTP routes", () => {
  it('are exactly the operations docs/api/openapi.yaml lists for the feed-ingest server', async () => {
    const documented = (await openApiContract()).operations('feed-ingest');
    expect([...WEBHOOK_ROUTES].sort()).toEqual([...documented].sort());
  });
});
