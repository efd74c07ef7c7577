-- Up Migration
-- The schema registry's own tables, in the `schema_registry` Postgres schema so
-- they never clash with the app's. Schemas are stored once (deduplicated by a
-- hash of their canonical form); subjects point at them by version.
CREATE TABLE schema_registry.schemas (
  id          serial PRIMARY KEY,
  schema      text NOT NULL,
  schema_type text NOT NULL DEFAULT 'AVRO',
  hash        text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE schema_registry.subject_versions (
  subject    text NOT NULL,
  version    integer NOT NULL CHECK (version > 0),
  schema_id  integer NOT NULL REFERENCES schema_registry.schemas (id),
  deleted    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, version)
);

CREATE INDEX subject_versions_schema_id ON schema_registry.subject_versions (schema_id);

-- One row per subject with its own level; the empty subject '' is the global level.
CREATE TABLE schema_registry.config (
  subject       text PRIMARY KEY,
  compatibility text NOT NULL
);

-- Down Migration
DROP TABLE schema_registry.config;
DROP TABLE schema_registry.subject_versions;
DROP TABLE schema_registry.schemas;
