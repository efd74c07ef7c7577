# One image for every inplay service: bundled JavaScript (esbuild, no tsx, no
# dev dependencies), the one native module (uWebSockets.js, Linux x64, Node 20)
# and the files the services read (Avro schemas, migrations, the web client,
# the demo match). Built by `npx inplay images build`, which stages the context:
#   dist/<service>.mjs  node_modules/uWebSockets.js  schemas/  libs/db/migrations/
#   apps/schema-registry/migrations/  apps/web/dist/  data/statsbomb/  healthcheck.mjs
# Run a service by its bundle: `docker run inplay/service:TAG dist/gateway.mjs`.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    METRICS_HOST=0.0.0.0 \
    GATEWAY_HOST=0.0.0.0 \
    HOST=0.0.0.0
COPY --chown=root:root . /app
# Nothing under /app is writable by the service user: the root filesystem may be read-only.
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
ENTRYPOINT ["node"]
CMD ["dist/gateway.mjs"]
